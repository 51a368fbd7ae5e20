package dev.safemap.autoconfigure.hotspots;

import dev.safemap.actuate.hotspots.HotspotsMeterBinder;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.InvalidSafeMapPropertyFailureAnalyzer;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import dev.safemap.support.KeyMasker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.datasketches.frequencies.LongsSketch;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class HotspotsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(HotspotsAutoConfiguration.class, SafeMapsEndpointAutoConfiguration.class));

	@Test
	void hotspotsAccountingIsTheMapObserverFactory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Hotspots.class).hasSingleBean(MapObserverFactory.class);
			assertThat(context.getBean(MapObserverFactory.class)).isSameAs(context.getBean(Hotspots.class));
		});
	}

	@Test
	void propertiesReachTheAccounting() {
		this.runner
			.withPropertyValues("safemap.hotspots.top-keys=2", "safemap.hotspots.key-sample-rate=1",
					"safemap.hotspots.sample-rate=0.25", "safemap.hotspots.call-site-sample-rate=0.5", "safemap.hotspots.max-call-sites=7",
					"safemap.hotspots.recent-races=3")
			.run((context) -> {
				HotspotsConfig config = HotspotsAutoConfiguration.config(context.getBean(SafeMapHotspotsProperties.class),
						KeyMasker.shared());
				assertThat(config.topKeys()).isEqualTo(2);
				assertThat(config.keySampleRate()).isEqualTo(1.0);
				assertThat(config.sampleRate()).isEqualTo(0.25);
				assertThat(config.callSiteSampleRate()).isEqualTo(0.5);
				assertThat(config.maxCallSites()).isEqualTo(7);
				assertThat(config.recentRaces()).isEqualTo(3);
				Hotspots hotspots = context.getBean(Hotspots.class);
				var observer = hotspots.create("m", GuardMode.GUARD);
				for (int i = 0; i < 5; i++) {
					observer.operation(dev.safemap.guard.MapOperation.GET, "k" + i);
					observer.contended(dev.safemap.guard.MapOperation.PUT, "k" + i, 0, 10);
				}
				// top-keys=2 reaches the accounting: only two keys listed
				assertThat(hotspots.report("m", false).orElseThrow().hotKeysByContention()).hasSize(2);
			});
	}

	@Test
	void noThreadSurvivesContextClose() {
		// threads of contexts that other test classes keep cached are not this context's: compare sets
		java.util.Set<Thread> before = liveSafeMapHotspotsThreads();
		java.util.Set<Thread> started = new java.util.HashSet<>();
		this.runner.run((context) -> {
			context.getBean(Hotspots.class).create("m", GuardMode.GUARD);
			started.addAll(liveSafeMapHotspotsThreads());
			started.removeAll(before);
			assertThat(started).isNotEmpty();
		});
		assertThat(started).noneMatch(Thread::isAlive);
	}

	private static java.util.Set<Thread> liveSafeMapHotspotsThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("safemap-hotspots") && thread.isAlive())
			.collect(java.util.stream.Collectors.toSet());
	}

	@Test
	void backsOffWhenTheUserDefinesHotspots() {
		this.runner.withUserConfiguration(UserHotspots.class).run((context) -> {
			assertThat(context).hasSingleBean(Hotspots.class);
			assertThat(context.getBean(Hotspots.class)).isSameAs(context.getBean("userHotspots"));
		});
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("safemap.hotspots.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Hotspots.class)
				.doesNotHaveBean(MapObserverFactory.class));
	}

	@Test
	void needsDataSketches() {
		this.runner.withClassLoader(new FilteredClassLoader(LongsSketch.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Hotspots.class));
	}

	@Test
	void metricsAreBoundWhenMicrometerIsPresent() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(HotspotsMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(HotspotsMeterBinder.class).bindTo(registry);
			context.getBean(Hotspots.class).create("orders", GuardMode.GUARD);
			assertThat(registry.find("safemap.map.contended").tag("map", "orders").functionCounter()).isNotNull();
			// percentiles are off by default, as Micrometer's convention has it
			assertThat(registry.find("safemap.map.wait.percentile").gauges()).isEmpty();
			assertThat(registry.get("safemap.map.wait").tag("map", "orders").timer().takeSnapshot().histogramCounts())
				.as("no histogram buckets unless asked for")
				.isEmpty();
		});
	}

	@Test
	void percentilesArePublishedWhenAskedFor() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("safemap.hotspots.metrics.percentiles=0.5,0.99")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(HotspotsMeterBinder.class).bindTo(registry);
				context.getBean(Hotspots.class).create("orders", GuardMode.GUARD);
				assertThat(registry.find("safemap.map.wait.percentile").tag("map", "orders").gauges())
					.extracting((gauge) -> gauge.getId().getTag("phi"))
					.containsExactlyInAnyOrder("0.5", "0.99");
			});
	}

	@Test
	void metricsCanBeDisabled() {
		this.runner.withPropertyValues("safemap.hotspots.metrics.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Hotspots.class)
				.doesNotHaveBean(HotspotsMeterBinder.class));
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(Hotspots.class)
				.doesNotHaveBean(HotspotsMeterBinder.class));
	}

	@Test
	void endpointIsNotAvailableUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SafeMapsEndpoint.class));
	}

	@Test
	void endpointIsAvailableWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=safemaps")
			.run((context) -> assertThat(context).hasSingleBean(SafeMapsEndpoint.class));
	}

	@Test
	void noEndpointWhenHotspotsAreDisabled() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=safemaps", "safemap.hotspots.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SafeMapsEndpoint.class));
	}

	@Test
	void endpointReadsAUserDefinedHotspotsBean() {
		this.runner.withUserConfiguration(UserHotspots.class)
			.withPropertyValues("management.endpoints.web.exposure.include=safemaps")
			.run((context) -> assertThat(context).hasSingleBean(SafeMapsEndpoint.class));
	}

	@Test
	void noEndpointWithoutActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=safemaps")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Hotspots.class)
				.doesNotHaveBean(SafeMapsEndpoint.class));
	}

	@Test
	void negativeCallSiteSampleRateFailsStartup() {
		assertStartupFails("safemap.hotspots.call-site-sample-rate=-0.1", "safemap.hotspots.call-site-sample-rate",
				"-0.1");
	}

	@Test
	void topKeysOfZeroFailsStartup() {
		assertStartupFails("safemap.hotspots.top-keys=0", "safemap.hotspots.top-keys", "0");
	}

	@Test
	void theDeprecatedReadSampleRateStandsForSampleRateUnlessThatIsSet() {
		this.runner.withPropertyValues("safemap.hotspots.read-sample-rate=0.5")
			.run((context) -> assertThat(HotspotsAutoConfiguration
				.config(context.getBean(SafeMapHotspotsProperties.class), KeyMasker.shared())
				.sampleRate()).isEqualTo(0.5));
		this.runner.withPropertyValues("safemap.hotspots.read-sample-rate=0.5", "safemap.hotspots.sample-rate=0.25")
			.run((context) -> assertThat(HotspotsAutoConfiguration
				.config(context.getBean(SafeMapHotspotsProperties.class), KeyMasker.shared())
				.sampleRate()).isEqualTo(0.25));
		assertStartupFails("safemap.hotspots.read-sample-rate=2", "safemap.hotspots.read-sample-rate", "2.0");
	}

	@Test
	void topKeysOfAMillionFailsStartup() {
		assertStartupFails("safemap.hotspots.top-keys=1000000", "safemap.hotspots.top-keys", "1000000");
	}

	@Test
	void otherBadValuesFailStartup() {
		assertStartupFails("safemap.hotspots.key-sample-rate=0", "safemap.hotspots.key-sample-rate", "0.0");
		assertStartupFails("safemap.hotspots.sample-rate=-0.5", "safemap.hotspots.sample-rate", "-0.5");
		assertStartupFails("safemap.hotspots.sample-rate=1.5", "safemap.hotspots.sample-rate", "1.5");
		assertStartupFails("safemap.hotspots.call-site-sample-rate=2", "safemap.hotspots.call-site-sample-rate", "2.0");
		assertStartupFails("safemap.hotspots.max-call-sites=0", "safemap.hotspots.max-call-sites", "0");
		assertStartupFails("safemap.hotspots.recent-races=-1", "safemap.hotspots.recent-races", "-1");
	}

	@Test
	void badPercentileFailsStartup() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("safemap.hotspots.metrics.percentiles=0.5,1.5")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSafeMapPropertyException invalid = invalidProperty(context.getStartupFailure());
				assertThat(invalid.getProperty()).isEqualTo("safemap.hotspots.metrics.percentiles");
				assertThat(invalid).hasMessageContaining("1.5");
			});
	}

	private void assertStartupFails(String property, String name, String value) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException invalid = invalidProperty(context.getStartupFailure());
			assertThat(invalid.getProperty()).isEqualTo(name);
			// the core builder decided, and its message (naming the value) is the reason
			assertThat(invalid.getCause()).isInstanceOf(IllegalArgumentException.class);
			assertThat(invalid.getReason()).contains(value);
			assertThat(String.valueOf(invalid.getValue())).isEqualTo(value);
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(name).contains(value);
			assertThat(analysis.getAction()).contains(name);
		});
	}

	/** The property exception in a startup failure's causes (it carries the core's exception as its cause). */
	private static InvalidSafeMapPropertyException invalidProperty(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidSafeMapPropertyException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("no InvalidSafeMapPropertyException in " + failure, failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHotspots {

		@Bean
		Hotspots userHotspots() {
			return Hotspots.create(HotspotsConfig.defaults());
		}

	}

}
