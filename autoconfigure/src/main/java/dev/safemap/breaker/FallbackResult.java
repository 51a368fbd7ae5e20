package dev.safemap.breaker;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One answer of a {@link FallbackCache}, telling where the value came from and how old it is.
 * <p>
 * Thread-safety: instances are immutable and thread-safe as long as the value is not mutated.
 *
 * @param <V> the value type
 * @param value the value returned to the caller; null only when the downstream itself answered
 * null ({@link Source#FRESH})
 * @param source where the value came from
 * @param age how old the value is ({@link Duration#ZERO} for a fresh answer)
 * @param failure the downstream failure that made the cache fall back, or null (also null when
 * the circuit was open: see {@link Source#FALLBACK_CIRCUIT_OPEN})
 * @since 0.1.0
 */
public record FallbackResult<V>(@Nullable V value, Source source, Duration age, @Nullable Throwable failure) {

	/**
	 * Creates a result.
	 * @param value the value
	 * @param source where the value came from, not null
	 * @param age how old the value is, not null
	 * @param failure the failure behind a fallback, or null
	 */
	public FallbackResult {
		Objects.requireNonNull(source, "source must not be null");
		Objects.requireNonNull(age, "age must not be null");
	}

	/**
	 * Whether the value is a last known good value served instead of a fresh answer (a fallback,
	 * or a value served while it is being refreshed).
	 * @return true for {@link Source#STALE_WHILE_REFRESHING} and both fallback sources
	 */
	public boolean isStale() {
		return this.source == Source.STALE_WHILE_REFRESHING || isFallback();
	}

	/**
	 * Whether the downstream could not answer and the last known good value was served.
	 * @return true for {@link Source#FALLBACK_AFTER_FAILURE} and
	 * {@link Source#FALLBACK_CIRCUIT_OPEN}
	 */
	public boolean isFallback() {
		return this.source == Source.FALLBACK_AFTER_FAILURE || this.source == Source.FALLBACK_CIRCUIT_OPEN;
	}

	/**
	 * Where an answer came from.
	 * <p>
	 * Thread-safety: enum constants are immutable and thread-safe.
	 *
	 * @since 0.1.0
	 */
	public enum Source {

		/** The downstream answered this call (or a concurrent call for the same key it joined). */
		FRESH,

		/** A stored value younger than the refresh age; the downstream was not called. */
		HIT,

		/** A stored value older than the refresh age, served at once while a background refresh runs. */
		STALE_WHILE_REFRESHING,

		/** The downstream failed or timed out; the last known good value was served. */
		FALLBACK_AFTER_FAILURE,

		/** The circuit breaker did not permit the call; the last known good value was served. */
		FALLBACK_CIRCUIT_OPEN

	}

}
