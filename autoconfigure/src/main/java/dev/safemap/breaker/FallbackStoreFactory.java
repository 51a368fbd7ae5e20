package dev.safemap.breaker;

/**
 * Creates the {@link FallbackStore} of each fallback cache that {@link FallbackCaches} creates (SPI). The
 * Spring glue provides embedded Caffeine, Redis and any {@code CacheManager}.
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface FallbackStoreFactory {

	/**
	 * Creates the store of one fallback cache; called once per cache.
	 * @param settings the cache's settings (name, size bound, maximum staleness)
	 * @return the store
	 */
	FallbackStore<Object> create(FallbackCacheSettings settings);

	/**
	 * Describes the storage, for logs and health details ({@code caffeine}, {@code redis}, ...).
	 * @return a short description
	 */
	String description();

}
