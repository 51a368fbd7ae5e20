package dev.safemap.autoconfigure;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.beans.GuardedMapBeanPostProcessor;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.InvalidSafeMapPropertyFailureAnalyzer;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.guard.MapOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class GuardedMapAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GuardedMapAutoConfiguration.class))
		.withUserConfiguration(MapBeans.class);

	@Test
	void mapBeansAreGuardedWithOneInfoLineEach(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(GuardedMapRegistry.class);
			Object counters = context.getBean("requestCounts");
			assertThat(counters).isInstanceOf(GuardedMap.class);
			assertThat(((GuardedMap<?, ?>) counters).mode()).isEqualTo(GuardMode.GUARD);
			assertThat(context.getBean("settings")).isInstanceOf(GuardedMap.class).isEqualTo(Map.of("theme", "dark"));
			assertThat(context.getBean("concurrent")).isInstanceOf(GuardedMap.class);
			GuardedMapRegistry registry = context.getBean(GuardedMapRegistry.class);
			assertThat(registry.maps()).extracting(GuardedMapRegistry.MapInfo::name)
				.containsExactly("concurrent", "requestCounts", "settings");
			assertThat(registry.map("settings")).get()
				.satisfies((info) -> assertThat(info.originalType()).isEqualTo(LinkedHashMap.class))
				.satisfies((info) -> assertThat(info.size()).isEqualTo(1));
		});
		assertThat(output).contains("SafeMap guards map bean 'requestCounts' (java.util.HashMap, 0 entries) in GUARD mode")
			.contains("SafeMap guards map bean 'settings' (java.util.LinkedHashMap, 1 entries) in GUARD mode");
	}

	@Test
	void aConcurrentMapBeanIsWrappedNotCopied() {
		this.runner.run((context) -> {
			GuardedMap<String, Integer> map = context.getBean("concurrent", GuardedMap.class);
			map.put("x", 1);
			assertThat(context.getBean(MapBeans.class).concurrentTarget).containsEntry("x", 1);
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheRegistry() {
		this.runner.withUserConfiguration(UserRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(GuardedMapRegistry.class);
			assertThat(context.getBean(GuardedMapRegistry.class)).isSameAs(context.getBean(UserRegistry.class).registry);
			assertThat(context.getBean(GuardedMapRegistry.class).map("requestCounts")).isPresent();
		});
	}

	@Test
	void switchesOffByProperty() {
		this.runner.withPropertyValues("safemap.guard.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(GuardedMapRegistry.class)
				.doesNotHaveBean(GuardedMapBeanPostProcessor.class);
			assertThat(context.getBean("requestCounts")).isExactlyInstanceOf(HashMap.class);
		});
	}

	@Test
	void worksWithoutActuatorOrMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("requestCounts")).isInstanceOf(GuardedMap.class);
			});
	}

	@Test
	void perMapModeIncludeAndExcludeSelectTheMaps() {
		this.runner
			.withPropertyValues("safemap.guard.maps.requestCounts.mode=guard", "safemap.guard.exclude=settings")
			.run((context) -> {
				assertThat(((GuardedMap<?, ?>) context.getBean("requestCounts")).mode()).isEqualTo(GuardMode.GUARD);
				assertThat(context.getBean("settings")).isExactlyInstanceOf(LinkedHashMap.class);
			});
		this.runner.withPropertyValues("safemap.guard.default-mode=detect", "safemap.guard.maps.requestCounts.mode=guard")
			.run((context) -> {
				GuardedMap<?, ?> counters = context.getBean("requestCounts", GuardedMap.class);
				assertThat(counters.mode()).isEqualTo(GuardMode.GUARD);
				assertThat(context.getBean("settings", GuardedMap.class).mode()).isEqualTo(GuardMode.DETECT);
			});
		this.runner.withPropertyValues("safemap.guard.include=settings").run((context) -> {
			assertThat(context.getBean("settings")).isInstanceOf(GuardedMap.class);
			assertThat(context.getBean("requestCounts")).isExactlyInstanceOf(HashMap.class);
		});
		this.runner.withPropertyValues("safemap.guard.default-mode=off").run((context) -> {
			assertThat(context.getBean("requestCounts")).isExactlyInstanceOf(HashMap.class);
			assertThat(context.getBean(GuardedMapRegistry.class).maps()).isEmpty();
		});
	}

	@Test
	void observerFactoryBeanProvidesEachMapsObserver() {
		this.runner.withUserConfiguration(CountingObservers.class).run((context) -> {
			GuardedMap<String, Long> counters = context.getBean("requestCounts", GuardedMap.class);
			counters.increment("/a");
			counters.get("/a");
			CountingObservers observers = context.getBean(CountingObservers.class);
			assertThat(observers.created).containsKey("requestCounts");
			assertThat(observers.operations.sum()).isEqualTo(2);
		});
	}

	@Test
	void includeNamingAMissingBeanFailsStartupNamingPropertyValueAndMapBeans() {
		this.runner.withPropertyValues("safemap.guard.include=requestCount").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidSafeMapPropertyException.class)
				.hasMessageContaining("'requestCount'")
				.hasMessageContaining("safemap.guard.include");
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("safemap.guard.include").contains("requestCount");
			assertThat(analysis.getAction()).contains("requestCounts").contains("settings");
		});
	}

	@Test
	void perMapModeNamingANonMapBeanFailsStartup() {
		this.runner.withUserConfiguration(NotAMap.class)
			.withPropertyValues("safemap.guard.maps.greeting.mode=detect")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOf(InvalidSafeMapPropertyException.class)
					.hasMessageContaining("safemap.guard.maps.greeting.mode")
					.hasMessageContaining("java.lang.String, not a Map");
			});
	}

	@Test
	void excludeNamingAMissingBeanOnlyWarns(CapturedOutput output) {
		this.runner.withPropertyValues("safemap.guard.exclude=nosuchmap").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("requestCounts")).isInstanceOf(GuardedMap.class);
		});
		assertThat(output).contains("safemap.guard.exclude names 'nosuchmap', but there is no such bean");
	}

	@Test
	void aMapBeanDeclaredAsHashMapIsLeftAloneWithAWarningOrFailsWhenExplicitlyIncluded(CapturedOutput output) {
		ApplicationContextRunner runner = this.runner.withUserConfiguration(ConcreteDeclaration.class);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("concrete")).isExactlyInstanceOf(HashMap.class);
		});
		assertThat(output).contains("SafeMap leaves map bean 'concrete' (java.util.HashMap) unguarded")
			.contains("declare the @Bean method's return type as Map<K, V>")
			.doesNotContain("map bean 'concurrentConcrete'"); // already thread-safe: no warning
		runner.withPropertyValues("safemap.guard.include=concrete").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidSafeMapPropertyException.class)
				.hasMessageContaining("safemap.guard.include")
				.hasMessageContaining("cannot be put in GUARD mode");
		});
	}

	@Test
	void anLruMapIsLeftAloneWithAWarning(CapturedOutput output) {
		this.runner.withUserConfiguration(LruMap.class).run((context) -> {
			assertThat(context.getBean("lru")).isExactlyInstanceOf(LinkedHashMap.class);
		});
		assertThat(output).contains("SafeMap leaves map bean 'lru'").contains("access-ordered");
	}

	@Test
	void watchModeAsTheDefaultAndPerMapGuardsAndWatchesTheMaps(CapturedOutput output) {
		this.runner.withPropertyValues("safemap.guard.default-mode=watch", "safemap.guard.maps.settings.mode=guard")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GuardedMap<?, ?> counters = context.getBean("requestCounts", GuardedMap.class);
				assertThat(counters.mode()).isEqualTo(GuardMode.WATCH);
				assertThat(context.getBean("settings", GuardedMap.class).mode()).isEqualTo(GuardMode.GUARD);
				assertThat(context.getBean(GuardedMapRegistry.class).maps())
					.anySatisfy((info) -> assertThat(info.mode()).isEqualTo(GuardMode.WATCH));
			});
		assertThat(output).contains("SafeMap guards and watches map bean 'requestCounts' (java.util.HashMap, 0 entries) in WATCH mode");
		this.runner.withPropertyValues("safemap.guard.maps.requestCounts.mode=watch", "safemap.guard.watch-sampling=1")
			.run((context) -> assertThat(context.getBean("requestCounts", GuardedMap.class).mode())
				.isEqualTo(GuardMode.WATCH));
	}

	@Test
	void watchSamplingThatIsNoPowerOfTwoFailsStartupNamingPropertyValueAndFix() {
		this.runner.withPropertyValues("safemap.guard.watch-sampling=100").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("safemap.guard.watch-sampling")
				.contains("Value: \"100\"")
				.contains("power of two");
			assertThat(analysis.getAction()).contains("safemap.guard.watch-sampling").contains("default 64");
		});
	}

	@Test
	void maxReportsBelowOneFailsStartup() {
		this.runner.withPropertyValues("safemap.guard.max-reports=0").run((context) -> {
			assertThat(context).hasFailed();
			// the registry decided (its exception is the cause); the property exception names the property
			Throwable failure = context.getStartupFailure();
			while (!(failure instanceof InvalidSafeMapPropertyException) && failure.getCause() != null) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(InvalidSafeMapPropertyException.class)
				.hasMessageContaining("safemap.guard.max-reports")
				.hasCauseInstanceOf(IllegalArgumentException.class);
			InvalidSafeMapPropertyException invalid = (InvalidSafeMapPropertyException) failure;
			assertThat(invalid.getValue()).isEqualTo(0);
			assertThat(invalid.getReason()).contains("0");
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("safemap.guard.max-reports").contains("Value: \"0\"");
			assertThat(analysis.getAction()).contains("safemap.guard.max-reports");
		});
	}

	@Test
	void anUnknownModeFailsStartupWithBootsReportNamingPropertyValueAndAcceptedValues(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(BootApp.class)
			.web(WebApplicationType.NONE)
			.properties("safemap.guard.default-mode=gaurd", "spring.main.banner-mode=off")
			.run()
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("safemap.guard.default-mode")
			.contains("gaurd")
			.contains("GUARD")
			.contains("WATCH")
			.contains("DETECT")
			.contains("OFF");
	}

	@Configuration(proxyBeanMethods = false)
	static class MapBeans {

		final ConcurrentHashMap<String, Integer> concurrentTarget = new ConcurrentHashMap<>();

		@Bean
		Map<String, Long> requestCounts() {
			return new HashMap<>();
		}

		@Bean
		Map<String, String> settings() {
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("theme", "dark");
			return settings;
		}

		@Bean
		Map<String, Integer> concurrent() {
			return this.concurrentTarget;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistry {

		final GuardedMapRegistry registry = new GuardedMapRegistry(5);

		@Bean
		GuardedMapRegistry userRegistry() {
			return this.registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CountingObservers {

		final Map<String, GuardMode> created = new ConcurrentHashMap<>();

		final LongAdder operations = new LongAdder();

		@Bean
		MapObserverFactory countingObserverFactory() {
			return (name, mode) -> {
				this.created.put(name, mode);
				return new MapObserver() {
					@Override
					public void operation(MapOperation operation, Object key) {
						if ("requestCounts".equals(name)) {
							CountingObservers.this.operations.increment();
						}
					}
				};
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotAMap {

		@Bean
		String greeting() {
			return "hello";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConcreteDeclaration {

		@Bean
		HashMap<String, String> concrete() {
			return new HashMap<>();
		}

		@Bean
		ConcurrentHashMap<String, String> concurrentConcrete() {
			return new ConcurrentHashMap<>();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LruMap {

		@Bean
		Map<String, String> lru() {
			return new LinkedHashMap<>(16, 0.75f, true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(GuardedMapAutoConfiguration.class)
	static class BootApp {

	}

}
