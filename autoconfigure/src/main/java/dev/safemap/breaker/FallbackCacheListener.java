package dev.safemap.breaker;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Receives the events of a fallback cache (metrics, logs, tests). Every method has an empty
 * default, so a listener implements only what it needs.
 * <p>
 * Calls happen on the thread that produced the event (a caller thread or a refresh thread) and
 * must be quick. An exception thrown by a listener is caught, logged at WARN and otherwise ignored:
 * a listener can never break a call.
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface FallbackCacheListener {

	/**
	 * Called once per answer given to a caller.
	 * @param cache the cache name
	 * @param source where the answer came from
	 * @param durationNanos how long the call took, in nanoseconds
	 */
	default void onAnswer(String cache, FallbackResult.Source source, long durationNanos) {
	}

	/**
	 * Called when a last known good value is served because the downstream failed, timed out or
	 * its circuit is open.
	 * @param cache the cache name
	 * @param key the key (mask it before showing it)
	 * @param age the age of the value served
	 * @param failure the downstream failure, or null when the circuit was open
	 */
	default void onFallbackServed(String cache, Object key, Duration age, @Nullable Throwable failure) {
	}

	/**
	 * Called when a stored value was too old to be served and the failure was rethrown instead.
	 * @param cache the cache name
	 * @param key the key
	 * @param age the age of the rejected value
	 * @param failure the failure rethrown to the caller
	 */
	default void onStaleRejected(String cache, Object key, Duration age, Throwable failure) {
	}

	/**
	 * Called when a background refresh is started for a value older than the refresh age.
	 * @param cache the cache name
	 * @param key the key
	 */
	default void onRefreshStarted(String cache, Object key) {
	}

	/**
	 * Called when a background refresh failed (the stale value stays).
	 * @param cache the cache name
	 * @param key the key
	 * @param failure why the refresh failed
	 */
	default void onRefreshFailed(String cache, Object key, Throwable failure) {
	}

	/**
	 * Called when a downstream answer was not stored as last known good: null, empty (without the
	 * opt-in) or rejected by the cache's predicate.
	 * @param cache the cache name
	 * @param key the key
	 * @param value the answer that was not stored
	 */
	default void onValueRejected(String cache, Object key, @Nullable Object value) {
	}

	/**
	 * Called when the store held something for a key that could not be read safely (another format, another type
	 * than the cache declares, a planted payload): the key was treated as a miss.
	 * @param cache the cache name
	 * @param key the key
	 * @param failure why the value was refused
	 */
	default void onValueUnreadable(String cache, Object key, UnreadableStoredValueException failure) {
	}

}
