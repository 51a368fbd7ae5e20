package dev.safemap.autoconfigure;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.guard.GuardedMap;
import jakarta.annotation.Resource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a map bean reaches the code that uses it. Spring resolves a {@code Map<String, X>} injection
 * point as "all beans of type X, by name" whenever beans of type X exist, so a map bean must be
 * injected by {@code @Qualifier} or {@code @Resource}; the guarded map is what every route delivers.
 */
class MapBeanInjectionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GuardedMapAutoConfiguration.class))
		.withUserConfiguration(Beans.class);

	@Test
	void qualifierAndResourceInjectTheGuardedMapBean() {
		this.runner.run((context) -> {
			Consumers consumers = context.getBean(Consumers.class);
			assertThat(consumers.byQualifier).isInstanceOf(GuardedMap.class).isSameAs(context.getBean("settings"));
			assertThat(consumers.byResource).isInstanceOf(GuardedMap.class).isSameAs(context.getBean("settings"));
			assertThat(consumers.countsByQualifier).isInstanceOf(GuardedMap.class)
				.isSameAs(context.getBean("requestCounts"));
		});
	}

	@Test
	void aPlainMapInjectionPointCollectsBeansOfTheValueTypeInstead() {
		this.runner.run((context) -> {
			Consumers consumers = context.getBean(Consumers.class);
			// "all beans of type String, keyed by bean name": not the settings map, despite the field name
			assertThat(consumers.allStrings).isNotInstanceOf(GuardedMap.class)
				.containsExactlyEntriesOf(Map.of("appName", "demo"));
		});
	}

	@Test
	void aPlainMapInjectionPointGetsTheMapBeanWhenNoBeanOfTheValueTypeExists() {
		this.runner.run((context) -> {
			Consumers consumers = context.getBean(Consumers.class);
			// no bean of type Long exists, so Spring falls back to the Map<String, Long> bean itself
			assertThat(consumers.countsWithoutQualifier).isInstanceOf(GuardedMap.class)
				.isSameAs(context.getBean("requestCounts"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	@Import(Consumers.class)
	static class Beans {

		@Bean
		Map<String, String> settings() {
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("theme", "dark");
			return settings;
		}

		@Bean
		Map<String, Long> requestCounts() {
			return new HashMap<>();
		}

		@Bean
		String appName() {
			return "demo";
		}

	}

	static class Consumers {

		@Autowired
		@Qualifier("settings")
		Map<String, String> byQualifier;

		@Resource(name = "settings")
		Map<String, String> byResource;

		@Autowired
		@Qualifier("requestCounts")
		Map<String, Long> countsByQualifier;

		@Autowired
		Map<String, String> allStrings;

		@Autowired
		Map<String, Long> countsWithoutQualifier;

	}

}
