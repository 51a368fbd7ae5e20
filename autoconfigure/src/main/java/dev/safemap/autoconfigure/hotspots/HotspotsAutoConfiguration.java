package dev.safemap.autoconfigure.hotspots;

import java.util.List;
import java.util.function.Function;

import dev.safemap.actuate.hotspots.HotspotsMeterBinder;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.datasketches.frequencies.LongsSketch;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the contention-hotspots accounting of guarded maps: a {@link Hotspots}
 * bean, which is the {@link dev.safemap.guard.MapObserverFactory} the guarded maps report to; its
 * Micrometer meters when Micrometer is present; and the {@code safemaps} actuator endpoint when the
 * actuator is present and the endpoint is available (exposed over HTTP only when
 * {@code management.endpoints.web.exposure.include} lists it).
 * <p>
 * Bad {@code safemap.hotspots.*} values fail startup with an
 * {@link InvalidSafeMapPropertyException}. The {@link Hotspots} bean is closed with the context,
 * which stops its drain thread.
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
	Hotspots safeMapHotspots(SafeMapHotspotsProperties properties) {
		return Hotspots.create(config(properties));
	}

	static HotspotsConfig config(SafeMapHotspotsProperties properties) {
		int topKeys = properties.getTopKeys();
		if (topKeys < 1 || topKeys > HotspotsConfig.MAX_TOP_KEYS) {
			throw new InvalidSafeMapPropertyException(PREFIX + "top-keys", topKeys,
					"the number of hot keys listed per map must be between 1 and " + HotspotsConfig.MAX_TOP_KEYS
							+ " (the sketches are sized from it)",
					"Set safemap.hotspots.top-keys to a value from 1 to " + HotspotsConfig.MAX_TOP_KEYS
							+ "; the default is 10.");
		}
		double keySampleRate = properties.getKeySampleRate();
		if (!(keySampleRate > 0.0 && keySampleRate <= 1.0)) {
			throw new InvalidSafeMapPropertyException(PREFIX + "key-sample-rate", keySampleRate,
					"the key sample rate is a fraction of operations above 0 and at most 1",
					"Set safemap.hotspots.key-sample-rate to a value in (0, 1], for example 0.015625 (1 in 64, the"
							+ " default).");
		}
		double readSampleRate = properties.getReadSampleRate();
		if (!(readSampleRate > 0.0 && readSampleRate <= 1.0)) {
			throw new InvalidSafeMapPropertyException(PREFIX + "read-sample-rate", readSampleRate,
					"the read sample rate is the fraction of the time reads are counted, above 0 and at most 1",
					"Set safemap.hotspots.read-sample-rate to a value in (0, 1], for example 0.015625 (a 1 ms window"
							+ " every 64 ms, the default) or 1 to count every read exactly.");
		}
		double callSiteSampleRate = properties.getCallSiteSampleRate();
		if (!(callSiteSampleRate >= 0.0 && callSiteSampleRate <= 1.0)) {
			throw new InvalidSafeMapPropertyException(PREFIX + "call-site-sample-rate", callSiteSampleRate,
					"the call-site sample rate is a fraction of contended operations from 0 to 1",
					"Set safemap.hotspots.call-site-sample-rate to a value from 0 (never) to 1 (every contended"
							+ " operation); the default is " + HotspotsConfig.DEFAULT_CALL_SITE_SAMPLE_RATE + ".");
		}
		int maxCallSites = properties.getMaxCallSites();
		if (maxCallSites < 1 || maxCallSites > HotspotsConfig.MAX_CALL_SITES) {
			throw new InvalidSafeMapPropertyException(PREFIX + "max-call-sites", maxCallSites,
					"the number of call sites tracked per map must be between 1 and " + HotspotsConfig.MAX_CALL_SITES,
					"Set safemap.hotspots.max-call-sites to a value from 1 to " + HotspotsConfig.MAX_CALL_SITES
							+ "; the default is 64.");
		}
		int recentRaces = properties.getRecentRaces();
		if (recentRaces < 0 || recentRaces > HotspotsConfig.MAX_RECENT_RACES) {
			throw new InvalidSafeMapPropertyException(PREFIX + "recent-races", recentRaces,
					"the number of race reports kept per map must be between 0 and " + HotspotsConfig.MAX_RECENT_RACES,
					"Set safemap.hotspots.recent-races to a value from 0 to " + HotspotsConfig.MAX_RECENT_RACES
							+ "; the default is 20.");
		}
		return HotspotsConfig.builder()
			.topKeys(topKeys)
			.keySampleRate(keySampleRate)
			.readSampleRate(readSampleRate)
			.callSiteSampleRate(callSiteSampleRate)
			.maxCallSites(maxCallSites)
			.recentRaces(recentRaces)
			.build();
	}

	static double[] percentiles(SafeMapHotspotsProperties properties) {
		List<Double> percentiles = properties.getMetrics().getPercentiles();
		double[] result = new double[percentiles.size()];
		for (int i = 0; i < result.length; i++) {
			Double percentile = percentiles.get(i);
			if (percentile == null || !(percentile >= 0.0 && percentile <= 1.0)) {
				throw new InvalidSafeMapPropertyException(PREFIX + "metrics.percentiles", percentiles,
						"each percentile must be a number from 0 to 1 but found " + percentile,
						"Set safemap.hotspots.metrics.percentiles to values from 0 to 1, for example 0.5,0.99"
								+ " (the default).");
			}
			result[i] = percentile;
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
			return new HotspotsMeterBinder(hotspots, percentiles(properties),
					properties.getMetrics().isPercentileHistogram(), sizes);
		}

	}

	/**
	 * The endpoint, in two levels: the class condition must be decided before
	 * {@code @ConditionalOnAvailableEndpoint}, whose condition class lives in the optional actuator.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class HotspotsActuatorConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnAvailableEndpoint(SafeMapsEndpoint.class)
		static class HotspotsEndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			SafeMapsEndpoint safeMapsEndpoint(Hotspots hotspots, SafeMapHotspotsProperties properties,
					ObjectProvider<GuardedMapRegistry> registry) {
				return new SafeMapsEndpoint(hotspots, registry.getIfAvailable(),
						Show.valueOf(properties.getShowKeys().name()), properties.getRoles());
			}

		}

	}

}
