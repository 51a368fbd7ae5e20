package dev.safemap.autoconfigure.hotspots;

import java.util.ArrayList;
import java.util.List;

import dev.safemap.hotspots.HotspotsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * Configuration properties of the contention-hotspots accounting of guarded maps, its metrics and
 * its {@code safemaps} actuator endpoint.
 * <p>
 * Not thread-safe: bound once at startup.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.hotspots")
public class SafeMapHotspotsProperties {

	/**
	 * Whether to account for operations, contention, hot keys and call sites of guarded maps.
	 */
	private boolean enabled = true;

	/**
	 * Number of hot keys and call sites listed per map, 1 to 100. The frequent-items sketches are
	 * sized from it.
	 */
	private int topKeys = 10;

	/**
	 * Fraction of map operations whose key feeds the hot-keys-by-operations sketch, above 0 and at
	 * most 1. Contended operations are always counted in full.
	 */
	private double keySampleRate = HotspotsConfig.DEFAULT_KEY_SAMPLE_RATE;

	/**
	 * Fraction of the time during which keyed reads and writes are counted, above 0 and at most 1:
	 * they are counted during a 1 ms window placed at random in every period of 1 / rate ms, and
	 * scaled by the period's length over the window's (an estimate). Writes are watched for
	 * contention during the windows, and 4 ms in every 32 (each meeting measured then counting about
	 * 8) on a stripe where writes of one key waited for each other in the last 16 periods. 1 counts every operation exactly and watches every write, at
	 * the cost of a thread-local increment per operation.
	 */
	private double sampleRate = HotspotsConfig.DEFAULT_SAMPLE_RATE;

	/** Whether {@code sample-rate} was set (then the deprecated {@code read-sample-rate} is ignored). */
	private boolean sampleRateSet;

	/** Fraction of the time during which keyed reads were counted; deprecated for sample-rate, which it stands for when that is not set. */
	private @Nullable Double readSampleRate;

	/**
	 * Fraction of contended operations whose call site is captured (a stack walk), 0 to 1; below 1 and
	 * with sample-rate below 1, at most 4 captures per map and sampling period.
	 */
	private double callSiteSampleRate = HotspotsConfig.DEFAULT_CALL_SITE_SAMPLE_RATE;

	/**
	 * Maximum number of distinct call sites tracked per map, 1 to 1000. Further sites are counted
	 * as unknown.
	 */
	private int maxCallSites = 64;

	/**
	 * Number of the newest race reports (detect mode) kept per map, 0 to 1000.
	 */
	private int recentRaces = 20;

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}





	public int getTopKeys() {
		return this.topKeys;
	}

	public void setTopKeys(int topKeys) {
		this.topKeys = topKeys;
	}

	public double getSampleRate() {
		return this.sampleRate;
	}

	public void setSampleRate(double sampleRate) {
		this.sampleRate = sampleRate;
		this.sampleRateSet = true;
	}

	/**
	 * Fraction of the time during which keyed reads were counted (writes were counted exactly).
	 * @return the value set, or {@code null}
	 * @deprecated since 0.1.0 for {@code safemap.hotspots.sample-rate}, which samples keyed writes as
	 * well: counting every write exactly cost an atomic instruction per write
	 */
	@Deprecated(since = "0.1.0")
	@DeprecatedConfigurationProperty(replacement = "safemap.hotspots.sample-rate",
			reason = "Keyed writes are now sampled in the same windows as keyed reads", since = "0.1.0")
	public @Nullable Double getReadSampleRate() {
		return this.readSampleRate;
	}

	@Deprecated(since = "0.1.0")
	public void setReadSampleRate(@Nullable Double readSampleRate) {
		this.readSampleRate = readSampleRate;
	}

	/**
	 * The sample rate in effect: {@code sample-rate}, or the deprecated {@code read-sample-rate} when
	 * only that one is set.
	 * @return the rate
	 */
	public double effectiveSampleRate() {
		return (this.readSampleRate != null && !this.sampleRateSet) ? this.readSampleRate : this.sampleRate;
	}

	public double getKeySampleRate() {
		return this.keySampleRate;
	}

	public void setKeySampleRate(double keySampleRate) {
		this.keySampleRate = keySampleRate;
	}

	public double getCallSiteSampleRate() {
		return this.callSiteSampleRate;
	}

	public void setCallSiteSampleRate(double callSiteSampleRate) {
		this.callSiteSampleRate = callSiteSampleRate;
	}

	public int getMaxCallSites() {
		return this.maxCallSites;
	}

	public void setMaxCallSites(int maxCallSites) {
		this.maxCallSites = maxCallSites;
	}

	public int getRecentRaces() {
		return this.recentRaces;
	}

	public void setRecentRaces(int recentRaces) {
		this.recentRaces = recentRaces;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}


	/**
	 * Micrometer metrics of guarded maps.
	 * <p>
	 * Not thread-safe: bound once at startup.
	 *
	 * @since 0.1.0
	 */
	public static class Metrics {

		/**
		 * Whether to publish Micrometer metrics (safemap.map.operations, safemap.map.contended,
		 * safemap.map.wait, safemap.map.size, safemap.races) for guarded maps.
		 */
		private boolean enabled = true;

		/**
		 * Percentiles of the wait of contended operations to publish as safemap.map.wait.percentile gauges (tag
		 * phi), each from 0 to 1: read from the quantiles sketch the safemaps endpoint reports, so both give one
		 * estimate. None by default (Micrometer's convention: percentiles are asked for), for example 0.5,0.99.
		 */
		private List<Double> percentiles = new ArrayList<>();

		/**
		 * Whether to publish a percentile histogram of safemap.map.wait, for percentiles that can be
		 * aggregated across instances (Prometheus).
		 */
		private boolean percentileHistogram = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<Double> getPercentiles() {
			return this.percentiles;
		}

		public void setPercentiles(List<Double> percentiles) {
			this.percentiles = percentiles;
		}

		public boolean isPercentileHistogram() {
			return this.percentileHistogram;
		}

		public void setPercentileHistogram(boolean percentileHistogram) {
			this.percentileHistogram = percentileHistogram;
		}

	}

}
