package dev.safemap.breaker;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one fallback cache, as {@link FallbackCaches} applies them when it creates the cache and
 * as a {@link FallbackStoreFactory} sizes its storage. Every rule on these values lives here: the record
 * and its {@link Builder} reject a bad value with an {@link IllegalArgumentException} that names it.
 * <p>
 * Thread-safety: instances are immutable.
 *
 * @param name the cache name
 * @param maxStaleness how old a value served as a fallback may be (positive)
 * @param refreshAfter the age after which a call refreshes the value, or null to call the downstream every time
 * (positive and not above {@code maxStaleness})
 * @param cacheEmpty whether empty collections, maps, optionals and strings are stored as good values
 * @param maximumSize the most entries an embedded store keeps (positive)
 * @param waitTimeout how long a call waits for the downstream before the fallback is served, or null for the
 * time limiter's timeout (positive)
 * @since 0.1.0
 */
public record FallbackCacheSettings(String name, Duration maxStaleness, @Nullable Duration refreshAfter,
		boolean cacheEmpty, long maximumSize, @Nullable Duration waitTimeout) {

	/** Default maximum staleness: 10 minutes. */
	public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(10);

	/** Default maximum size of an embedded store: {@value} entries. */
	public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException if a duration or the size is not positive, or the refresh age is above the
	 * maximum staleness
	 */
	public FallbackCacheSettings {
		Objects.requireNonNull(name, "name must not be null");
		checkMaxStaleness(maxStaleness);
		checkRefreshAfter(refreshAfter);
		if (refreshAfter != null && refreshAfter.compareTo(maxStaleness) > 0) {
			throw new IllegalArgumentException("refreshAfter must not be above the maximum staleness (" + maxStaleness
					+ "): values would expire before they are refreshed, but was " + refreshAfter);
		}
		checkMaximumSize(maximumSize);
		checkWaitTimeout(waitTimeout);
	}

	/**
	 * Starts the settings of a cache with the defaults: {@link #DEFAULT_MAX_STALENESS}, no refresh, empty values
	 * not stored, {@value #DEFAULT_MAXIMUM_SIZE} entries, the time limiter's timeout.
	 * @param name the cache name
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	private static Duration checkMaxStaleness(@Nullable Duration maxStaleness) {
		if (maxStaleness == null || maxStaleness.isZero() || maxStaleness.isNegative()) {
			throw new IllegalArgumentException("maxStaleness must be positive (it is how old a value served as a "
					+ "fallback may be), but was " + maxStaleness);
		}
		return maxStaleness;
	}

	private static @Nullable Duration checkRefreshAfter(@Nullable Duration refreshAfter) {
		if (refreshAfter != null && (refreshAfter.isZero() || refreshAfter.isNegative())) {
			throw new IllegalArgumentException("refreshAfter must be positive, but was " + refreshAfter);
		}
		return refreshAfter;
	}

	private static long checkMaximumSize(long maximumSize) {
		if (maximumSize <= 0) {
			throw new IllegalArgumentException("maximumSize must be positive, but was " + maximumSize);
		}
		return maximumSize;
	}

	private static @Nullable Duration checkWaitTimeout(@Nullable Duration waitTimeout) {
		if (waitTimeout != null && (waitTimeout.isZero() || waitTimeout.isNegative())) {
			throw new IllegalArgumentException("waitTimeout must be positive, but was " + waitTimeout);
		}
		return waitTimeout;
	}

	/**
	 * Builds {@link FallbackCacheSettings}; each setter checks its own value, {@link #build()} checks how they
	 * relate (the refresh age must not be above the maximum staleness).
	 * <p>
	 * Thread-safety: not thread-safe; use from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final String name;

		private Duration maxStaleness = DEFAULT_MAX_STALENESS;

		private @Nullable Duration refreshAfter;

		private boolean cacheEmpty;

		private long maximumSize = DEFAULT_MAXIMUM_SIZE;

		private @Nullable Duration waitTimeout;

		private Builder(String name) {
			this.name = Objects.requireNonNull(name, "name must not be null");
		}

		/**
		 * Sets how old a value served as a fallback may be.
		 * @param maxStaleness a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder maxStaleness(@Nullable Duration maxStaleness) {
			this.maxStaleness = checkMaxStaleness(maxStaleness);
			return this;
		}

		/**
		 * Sets the age after which a call serves the stored value and refreshes it in the background.
		 * @param refreshAfter a positive duration, or null to call the downstream every time
		 * @return this builder
		 * @throws IllegalArgumentException if zero or negative
		 */
		public Builder refreshAfter(@Nullable Duration refreshAfter) {
			this.refreshAfter = checkRefreshAfter(refreshAfter);
			return this;
		}

		/**
		 * Sets whether empty collections, maps, optionals and strings are stored as good values.
		 * @param cacheEmpty whether to store them
		 * @return this builder
		 */
		public Builder cacheEmpty(boolean cacheEmpty) {
			this.cacheEmpty = cacheEmpty;
			return this;
		}

		/**
		 * Sets the most entries an embedded store keeps.
		 * @param maximumSize a positive number
		 * @return this builder
		 * @throws IllegalArgumentException if not positive
		 */
		public Builder maximumSize(long maximumSize) {
			this.maximumSize = checkMaximumSize(maximumSize);
			return this;
		}

		/**
		 * Sets how long a call waits for the downstream before the fallback is served.
		 * @param waitTimeout a positive duration, or null for the time limiter's timeout
		 * @return this builder
		 * @throws IllegalArgumentException if zero or negative
		 */
		public Builder waitTimeout(@Nullable Duration waitTimeout) {
			this.waitTimeout = checkWaitTimeout(waitTimeout);
			return this;
		}

		/**
		 * Builds the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if the refresh age is above the maximum staleness
		 */
		public FallbackCacheSettings build() {
			return new FallbackCacheSettings(this.name, this.maxStaleness, this.refreshAfter, this.cacheEmpty,
					this.maximumSize, this.waitTimeout);
		}

	}

}
