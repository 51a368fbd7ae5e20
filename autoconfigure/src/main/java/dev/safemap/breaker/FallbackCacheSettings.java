package dev.safemap.breaker;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one fallback cache, as {@link FallbackCaches} applies them when it creates the cache and
 * as a {@link FallbackStoreFactory} sizes its storage.
 * <p>
 * Thread-safety: instances are immutable.
 *
 * @param name the cache name
 * @param maxStaleness how old a value served as a fallback may be (positive)
 * @param refreshAfter the age after which a call refreshes the value, or null to call the downstream every time
 * @param cacheEmpty whether empty collections, maps, optionals and strings are stored as good values
 * @param maximumSize the most entries an embedded store keeps (positive)
 * @param waitTimeout how long a call waits for the downstream before the fallback is served, or null for the
 * time limiter's timeout
 * @since 0.1.0
 */
public record FallbackCacheSettings(String name, Duration maxStaleness, @Nullable Duration refreshAfter,
		boolean cacheEmpty, long maximumSize, @Nullable Duration waitTimeout) {

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException if a duration or the size is not positive, or the refresh age is above the
	 * maximum staleness
	 */
	public FallbackCacheSettings {
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
		if (maxStaleness.isZero() || maxStaleness.isNegative()) {
			throw new IllegalArgumentException("maxStaleness must be positive, but was " + maxStaleness);
		}
		if (refreshAfter != null && (refreshAfter.isZero() || refreshAfter.isNegative())) {
			throw new IllegalArgumentException("refreshAfter must be positive, but was " + refreshAfter);
		}
		if (refreshAfter != null && refreshAfter.compareTo(maxStaleness) > 0) {
			throw new IllegalArgumentException("refreshAfter must not be above maxStaleness (" + maxStaleness
					+ "), but was " + refreshAfter);
		}
		if (maximumSize <= 0) {
			throw new IllegalArgumentException("maximumSize must be positive, but was " + maximumSize);
		}
		if (waitTimeout != null && (waitTimeout.isZero() || waitTimeout.isNegative())) {
			throw new IllegalArgumentException("waitTimeout must be positive, but was " + waitTimeout);
		}
	}

}
