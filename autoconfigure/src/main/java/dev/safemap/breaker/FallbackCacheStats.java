package dev.safemap.breaker;

/**
 * A snapshot of the counters of one fallback cache since it was created.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @param hits answers served from a value younger than the refresh age
 * @param staleWhileRefreshing answers served from a value older than the refresh age while it was
 * refreshed
 * @param fallbacks last known good values served because the downstream failed or was not called
 * @param downstreamCalls calls made to the downstream on behalf of callers (not refreshes)
 * @param refreshes background refreshes started
 * @param refreshFailures background refreshes that failed
 * @param staleRejected values too old to be served (the failure was rethrown)
 * @param valuesRejected downstream answers that were not stored (null, empty, rejected)
 * @param valuesUnreadable reads of the store that found a value that could not be read safely (another format or
 * type, a planted payload) and were treated as misses; one call may read a key twice (single flight re-checks it)
 * @since 0.1.0
 */
public record FallbackCacheStats(long hits, long staleWhileRefreshing, long fallbacks, long downstreamCalls,
		long refreshes, long refreshFailures, long staleRejected, long valuesRejected,
		long valuesUnreadable) {

}
