package dev.safemap.autoconfigure.hotspots;

import java.util.List;
import java.util.function.Function;

import dev.safemap.actuate.hotspots.HotspotsMeterBinder;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import dev.safemap.support.KeyMasker;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.datasketches.frequencies.LongsSketch;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the contention-hotspots accounting of guarded maps: a {@link Hotspots}
 * bean, which is the {@link dev.safemap.guard.MapObserverFactory} the guarded maps report to; and
 * its Micrometer meters when Micrometer is present. The {@code safemaps} actuator endpoint has an
 * auto-configuration of its own, {@link SafeMapsEndpointAutoConfiguration}.
 * <p>
 * Bad {@code safemap.hotspots.*} values fail startup with an
 * {@link InvalidSafeMapPropertyException}: {@link HotspotsConfig.Builder} (and
 * {@link HotspotsMeterBinder} for the percentiles) decide what is valid; this only names the
 * property at fault. The {@link Hotspots} bean is closed with the context, which stops its drain
 * thread.
 * <p>
 * Thread-safety: used by the container during startup only.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(LongsSketch.class)
@ConditionalOnBooleanProperty(name = "safemap.hotspots.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SafeMapHotspotsProperties.class)
public final class HotspotsAutoConfiguration {

	private static final String PREFIX = "safemap.hotspots.";

	@Bean
	@ConditionalOnMissingBean
	Hotspots safeMapHotspots(SafeMapHotspotsProperties properties, ObjectProvider<KeyMasker> keyMasker) {
		return Hotspots.create(config(properties, keyMasker.getIfAvailable(KeyMasker::shared)));
	}

	static HotspotsConfig config(SafeMapHotspotsProperties properties, KeyMasker keyMasker) {
		HotspotsConfig.Builder builder = HotspotsConfig.builder().keyMasker(keyMasker);
		int topKeys = properties.getTopKeys();
		InvalidSafeMapPropertyException.apply(PREFIX + "top-keys", topKeys,
				"Set safemap.hotspots.top-keys to a value from 1 to " + HotspotsConfig.MAX_TOP_KEYS
						+ " (the sketches are sized from it); the default is 10.",
				() -> builder.topKeys(topKeys));
		double keySampleRate = properties.getKeySampleRate();
		InvalidSafeMapPropertyException.apply(PREFIX + "key-sample-rate", keySampleRate,
				"Set safemap.hotspots.key-sample-rate to a value in (0, 1], for example 0.015625 (1 in 64, the"
						+ " default).",
				() -> builder.keySampleRate(keySampleRate));
		double sampleRate = properties.effectiveSampleRate();
		@SuppressWarnings("deprecation")
		boolean deprecatedName = (sampleRate != properties.getSampleRate());
		InvalidSafeMapPropertyException.apply(PREFIX + (deprecatedName ? "read-sample-rate" : "sample-rate"), sampleRate,
				(deprecatedName ? "Replace safemap.hotspots.read-sample-rate (deprecated) with safemap.hotspots.sample-rate, set"
						: "Set safemap.hotspots.sample-rate")
						+ " to a value in (0, 1], for example 0.015625 (a 1 ms window every 64 ms, the default) or 1 to"
						+ " count every operation exactly.",
				() -> builder.sampleRate(sampleRate));
		double callSiteSampleRate = properties.getCallSiteSampleRate();
		InvalidSafeMapPropertyException.apply(PREFIX + "call-site-sample-rate", callSiteSampleRate,
				"Set safemap.hotspots.call-site-sample-rate to a value from 0 (never) to 1 (every contended"
						+ " operation); the default is " + HotspotsConfig.DEFAULT_CALL_SITE_SAMPLE_RATE + ".",
				() -> builder.callSiteSampleRate(callSiteSampleRate));
		int maxCallSites = properties.getMaxCallSites();
		InvalidSafeMapPropertyException.apply(PREFIX + "max-call-sites", maxCallSites,
				"Set safemap.hotspots.max-call-sites to a value from 1 to " + HotspotsConfig.MAX_CALL_SITES
						+ "; the default is 64.",
				() -> builder.maxCallSites(maxCallSites));
		int recentRaces = properties.getRecentRaces();
		InvalidSafeMapPropertyException.apply(PREFIX + "recent-races", recentRaces,
				"Set safemap.hotspots.recent-races to a value from 0 to " + HotspotsConfig.MAX_RECENT_RACES
						+ "; the default is 20.",
				() -> builder.recentRaces(recentRaces));
		return builder.build();
	}

	/** The percentiles as numbers, a missing one as NaN, which {@link HotspotsMeterBinder} rejects. */
	static double[] percentiles(SafeMapHotspotsProperties properties) {
		List<Double> percentiles = properties.getMetrics().getPercentiles();
		double[] result = new double[percentiles.size()];
		for (int i = 0; i < result.length; i++) {
			Double percentile = percentiles.get(i);
			result[i] = (percentile != null) ? percentile : Double.NaN;
		}
		return result;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBooleanProperty(name = "safemap.hotspots.metrics.enabled", matchIfMissing = true)
	static class HotspotsMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HotspotsMeterBinder safeMapHotspotsMeterBinder(Hotspots hotspots, SafeMapHotspotsProperties properties,
				ObjectProvider<GuardedMapRegistry> registry) {
			Function<String, @Nullable Integer> sizes = (name) -> {
				GuardedMapRegistry maps = registry.getIfAvailable();
				return (maps != null) ? maps.map(name).map(GuardedMapRegistry.MapInfo::size).orElse(null) : null;
			};
			return InvalidSafeMapPropertyException.apply(PREFIX + "metrics.percentiles",
					properties.getMetrics().getPercentiles(),
					"Set safemap.hotspots.metrics.percentiles to values from 0 to 1, for example 0.5,0.99"
							+ " (the default).",
					() -> new HotspotsMeterBinder(hotspots, percentiles(properties),
							properties.getMetrics().isPercentileHistogram(), sizes));
		}

	}

}
