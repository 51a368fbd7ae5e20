package dev.safemap.compensation;

import java.time.Duration;

import io.github.resilience4j.core.IntervalFunction;
import org.jspecify.annotations.Nullable;

/**
 * The wait before each replay of a compensation: exponential from an initial interval, with a random spread,
 * capped at a maximum. Each {@link Builder} setter rejects its own bad value and {@link Builder#build()} the
 * bad combination, with an {@link IllegalArgumentException} naming the value.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ExponentialBackoff {

	private final Duration initialInterval;

	private final double multiplier;

	private final double randomizationFactor;

	private final Duration maxInterval;

	private ExponentialBackoff(Builder builder) {
		this.initialInterval = builder.initialInterval;
		this.multiplier = builder.multiplier;
		this.randomizationFactor = builder.randomizationFactor;
		this.maxInterval = builder.maxInterval;
	}

	/**
	 * Starts a backoff with the defaults: 1 s initial interval, multiplier 2.0, randomization factor 0.5, 5 min
	 * maximum interval.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the wait before the first replay */
	public Duration initialInterval() {
		return this.initialInterval;
	}

	/** @return the factor by which the wait grows after each failed attempt */
	public double multiplier() {
		return this.multiplier;
	}

	/** @return the spread applied to each wait, from 0 (none) to below 1 */
	public double randomizationFactor() {
		return this.randomizationFactor;
	}

	/** @return the longest wait */
	public Duration maxInterval() {
		return this.maxInterval;
	}

	/**
	 * Returns this backoff as a Resilience4j interval function, as {@link CompensationRegistry.Builder#backoff}
	 * takes it.
	 * @return the interval function
	 */
	public IntervalFunction toIntervalFunction() {
		return IntervalFunction.ofExponentialRandomBackoff(this.initialInterval, this.multiplier,
				this.randomizationFactor, this.maxInterval);
	}

	@Override
	public String toString() {
		return "ExponentialBackoff[initialInterval=" + this.initialInterval + ", multiplier=" + this.multiplier
				+ ", randomizationFactor=" + this.randomizationFactor + ", maxInterval=" + this.maxInterval + "]";
	}

	/**
	 * Builds an {@link ExponentialBackoff}.
	 * <p>
	 * Thread-safety: not thread-safe; use from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Duration initialInterval = Duration.ofSeconds(1);

		private double multiplier = 2.0;

		private double randomizationFactor = 0.5;

		private Duration maxInterval = Duration.ofMinutes(5);

		private Builder() {
		}

		/**
		 * Sets the wait before the first replay.
		 * @param initialInterval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder initialInterval(@Nullable Duration initialInterval) {
			this.initialInterval = positive("initialInterval", initialInterval);
			return this;
		}

		/**
		 * Sets the factor by which the wait grows after each failed attempt.
		 * @param multiplier at least 1.0
		 * @return this builder
		 * @throws IllegalArgumentException if below 1.0 or not a number
		 */
		public Builder multiplier(double multiplier) {
			if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
				throw new IllegalArgumentException("multiplier must be at least 1.0, but was " + multiplier);
			}
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Sets the spread applied to each wait.
		 * @param randomizationFactor at least 0 and below 1
		 * @return this builder
		 * @throws IllegalArgumentException if out of range or not a number
		 */
		public Builder randomizationFactor(double randomizationFactor) {
			if (!(randomizationFactor >= 0.0 && randomizationFactor < 1.0)) {
				throw new IllegalArgumentException(
						"randomizationFactor must be at least 0 and below 1, but was " + randomizationFactor);
			}
			this.randomizationFactor = randomizationFactor;
			return this;
		}

		/**
		 * Sets the longest wait.
		 * @param maxInterval a positive duration, not shorter than the initial interval (checked by {@link #build()})
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder maxInterval(@Nullable Duration maxInterval) {
			this.maxInterval = positive("maxInterval", maxInterval);
			return this;
		}

		/**
		 * Builds the backoff.
		 * @return the backoff
		 * @throws IllegalArgumentException if the maximum interval is shorter than the initial interval
		 */
		public ExponentialBackoff build() {
			if (this.maxInterval.compareTo(this.initialInterval) < 0) {
				throw new IllegalArgumentException("maxInterval must not be shorter than the initial interval ("
						+ this.initialInterval + "), but was " + this.maxInterval);
			}
			return new ExponentialBackoff(this);
		}

		private static Duration positive(String name, @Nullable Duration value) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException(name + " must be positive, but was " + value);
			}
			return value;
		}

	}

}
