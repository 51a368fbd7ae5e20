package dev.safemap.hotspots;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import dev.safemap.guard.CallSite;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link Hotspots} accounting, built with {@link #builder()}.
 * <p>
 * Instances are immutable and thread-safe; the builder is not thread-safe.
 *
 * @since 0.1.0
 */
public final class HotspotsConfig {

	/** Largest accepted {@link Builder#topKeys(int) top-K}. */
	public static final int MAX_TOP_KEYS = 100;

	/** Largest accepted {@link Builder#maxCallSites(int) number of call sites}. */
	public static final int MAX_CALL_SITES = 1000;

	/** Largest accepted {@link Builder#recentRaces(int) number of kept race reports}. */
	public static final int MAX_RECENT_RACES = 1000;

	/** Default fraction of operations whose key feeds the hot-key sketch: 1 in 64. */
	public static final double DEFAULT_KEY_SAMPLE_RATE = 1.0 / 64;

	/** Default fraction of the time during which keyed operations are counted: a 1 ms window every 64 ms. */
	public static final double DEFAULT_SAMPLE_RATE = 1.0 / 64;

	/** Default fraction of contended operations whose call site is captured: 1 in 10. */
	public static final double DEFAULT_CALL_SITE_SAMPLE_RATE = 0.1;

	private final int topKeys;

	private final double keySampleRate;

	private final double callSiteSampleRate;

	private final double sampleRate;

	private final int maxCallSites;

	private final int recentRaces;

	private final Clock clock;

	private final Supplier<CallSite> callSiteCapture;

	private final Duration drainInterval;

	private final KeyMasker keyMasker;

	private HotspotsConfig(Builder builder) {
		this.drainInterval = builder.drainInterval;
		this.topKeys = builder.topKeys;
		this.keySampleRate = builder.keySampleRate;
		this.callSiteSampleRate = builder.callSiteSampleRate;
		this.sampleRate = builder.sampleRate;
		this.maxCallSites = builder.maxCallSites;
		this.recentRaces = builder.recentRaces;
		this.clock = builder.clock;
		this.keyMasker = builder.keyMasker;
		this.callSiteCapture = (builder.callSiteCapture != null) ? builder.callSiteCapture : CallSite::capture;
	}

	/**
	 * Returns what masks keys in reports.
	 * @return the masker
	 */
	public KeyMasker keyMasker() {
		return this.keyMasker;
	}

	/**
	 * Returns a new builder with the defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the default settings.
	 * @return the defaults
	 */
	public static HotspotsConfig defaults() {
		return builder().build();
	}

	/** @return how many hot keys and call sites a report lists */
	public int topKeys() {
		return this.topKeys;
	}

	/** @return fraction of operations whose key feeds the hot-keys-by-operations sketch */
	public double keySampleRate() {
		return this.keySampleRate;
	}

	/**
	 * @return fraction of the time during which keyed operations are counted: 1 means every one is
	 * counted exactly, 1/n that they are counted during a 1 ms window at a random moment of every n ms
	 * and scaled by n
	 */
	public double sampleRate() {
		return this.sampleRate;
	}

	/**
	 * @return fraction of contended operations whose call site is captured; below 1, while operations are
	 * sampled in windows ({@link #sampleRate()} below 1), at most 4 are captured per map and sampling period
	 */
	public double callSiteSampleRate() {
		return this.callSiteSampleRate;
	}

	/** @return how many distinct call sites each map tracks */
	public int maxCallSites() {
		return this.maxCallSites;
	}

	/** @return how many race reports each map keeps */
	public int recentRaces() {
		return this.recentRaces;
	}

	/** @return the clock for timestamps */
	public Clock clock() {
		return this.clock;
	}

	/** @return how often sampled keys are moved from the maps' sample buffers into their sketches */
	public Duration drainInterval() {
		return this.drainInterval;
	}

	/** @return what captures the application's call site of a contended operation */
	public Supplier<CallSite> callSiteCapture() {
		return this.callSiteCapture;
	}

	/**
	 * Builds a {@link HotspotsConfig}. Each setter rejects a bad value with an
	 * {@link IllegalArgumentException} naming it.
	 * <p>
	 * Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int topKeys = 10;

		private double keySampleRate = DEFAULT_KEY_SAMPLE_RATE;

		private double callSiteSampleRate = DEFAULT_CALL_SITE_SAMPLE_RATE;

		private double sampleRate = DEFAULT_SAMPLE_RATE;

		private int maxCallSites = 64;

		private int recentRaces = 20;

		private Clock clock = Clock.systemUTC();

		private @Nullable Supplier<CallSite> callSiteCapture;

		private Duration drainInterval = Duration.ofMillis(100);

		private KeyMasker keyMasker = KeyMasker.shared();

		private Builder() {
		}

		/**
		 * Sets how often the drain thread ({@code safemap-hotspots-drain}) moves sampled keys from
		 * each map's fixed sample buffer into its sketch; each report drains too. Shorter loses fewer
		 * samples under heavy load, longer wakes up less often.
		 * @param interval 1 ms to 1 minute
		 * @return this builder
		 */
		public Builder drainInterval(Duration interval) {
			Objects.requireNonNull(interval, "interval must not be null");
			if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
				throw new IllegalArgumentException("drainInterval must be between 1ms and 1m but was " + interval);
			}
			this.drainInterval = interval;
			return this;
		}

		/**
		 * Sets how many hot keys (and call sites) a report lists; the sketches are sized from it.
		 * @param topKeys 1 to {@value HotspotsConfig#MAX_TOP_KEYS}
		 * @return this builder
		 */
		public Builder topKeys(int topKeys) {
			if (topKeys < 1 || topKeys > MAX_TOP_KEYS) {
				throw new IllegalArgumentException(
						"topKeys must be between 1 and " + MAX_TOP_KEYS + " but was " + topKeys);
			}
			this.topKeys = topKeys;
			return this;
		}

		/**
		 * Sets the fraction of operations whose key feeds the hot-keys-by-operations sketch.
		 * A key's count is its share of the sample times the exact number of operations.
		 * @param rate greater than 0, at most 1
		 * @return this builder
		 */
		public Builder keySampleRate(double rate) {
			if (!(rate > 0.0 && rate <= 1.0)) {
				throw new IllegalArgumentException("keySampleRate must be in (0, 1] but was " + rate);
			}
			this.keySampleRate = rate;
			return this;
		}

		/**
		 * Sets the fraction of the time during which keyed operations, reads ({@code get},
		 * {@code containsKey}) and writes alike, are counted. A read takes no lock and costs a few
		 * nanoseconds, and counting a write exactly costs an atomic instruction, a third of an
		 * uncontended {@code merge}: instead keyed operations are counted only during a 1 ms window
		 * placed at random in every period of {@code 1 / rate} ms, and each window's count is scaled
		 * by the measured length of its period over that of the window (an estimate that lags by at
		 * most one period; see {@code docs/actuator.md} for its bias). Writes are watched for
		 * contention during the windows, in a 4 ms hot window every 32 ms (each meeting measured there
		 * counting about 8) on a stripe where writes of one key met lately, and on every stripe for a while after a window that opened
		 * a period late (a starved drain thread). A rate of 1 counts every operation exactly and watches every write.
		 * @param rate greater than 0, at most 1
		 * @return this builder
		 */
		public Builder sampleRate(double rate) {
			if (!(rate > 0.0 && rate <= 1.0)) {
				throw new IllegalArgumentException("sampleRate must be in (0, 1] but was " + rate);
			}
			this.sampleRate = rate;
			return this;
		}

		/**
		 * Sets the fraction of contended operations whose call site is captured (a stack walk).
		 * @param rate 0 (never) to 1 (always)
		 * @return this builder
		 */
		public Builder callSiteSampleRate(double rate) {
			if (!(rate >= 0.0 && rate <= 1.0)) {
				throw new IllegalArgumentException("callSiteSampleRate must be in [0, 1] but was " + rate);
			}
			this.callSiteSampleRate = rate;
			return this;
		}

		/**
		 * Sets how many distinct call sites each map tracks; further sites are counted as
		 * {@code other}.
		 * @param maxCallSites 1 to {@value HotspotsConfig#MAX_CALL_SITES}
		 * @return this builder
		 */
		public Builder maxCallSites(int maxCallSites) {
			if (maxCallSites < 1 || maxCallSites > MAX_CALL_SITES) {
				throw new IllegalArgumentException(
						"maxCallSites must be between 1 and " + MAX_CALL_SITES + " but was " + maxCallSites);
			}
			this.maxCallSites = maxCallSites;
			return this;
		}

		/**
		 * Sets how many race reports each map keeps (the newest).
		 * @param recentRaces 0 to {@value HotspotsConfig#MAX_RECENT_RACES}
		 * @return this builder
		 */
		public Builder recentRaces(int recentRaces) {
			if (recentRaces < 0 || recentRaces > MAX_RECENT_RACES) {
				throw new IllegalArgumentException(
						"recentRaces must be between 0 and " + MAX_RECENT_RACES + " but was " + recentRaces);
			}
			this.recentRaces = recentRaces;
			return this;
		}

		/**
		 * Sets the clock used for timestamps.
		 * @param clock the clock
		 * @return this builder
		 * @throws NullPointerException if clock is null
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets what captures the application's call site of a contended operation,
		 * {@link CallSite#capture()} by default. It is called
		 * on the thread that waited, inside the map operation; it must not throw.
		 * @param capture the capture
		 * @return this builder
		 * @throws NullPointerException if capture is null
		 */
		public Builder callSiteCapture(Supplier<CallSite> capture) {
			this.callSiteCapture = Objects.requireNonNull(capture, "capture must not be null");
			return this;
		}

		/**
		 * Sets what masks keys in reports: {@link KeyMasker#shared()} by default; give the application's masker so that a
		 * key has the same mask everywhere.
		 * @param keyMasker the masker
		 * @return this builder
		 * @throws NullPointerException if keyMasker is null
		 */
		public Builder keyMasker(KeyMasker keyMasker) {
			this.keyMasker = Objects.requireNonNull(keyMasker, "keyMasker must not be null");
			return this;
		}

		/**
		 * Builds the settings.
		 * @return the settings
		 */
		public HotspotsConfig build() {
			return new HotspotsConfig(this);
		}

	}

}
