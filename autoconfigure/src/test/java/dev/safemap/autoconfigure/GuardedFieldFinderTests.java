package dev.safemap.autoconfigure;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup finder for singleton beans that keep a mutable, non-thread-safe map in a field.
 */
@ExtendWith(OutputCaptureExtension.class)
class GuardedFieldFinderTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GuardedMapAutoConfiguration.class))
		.withUserConfiguration(Services.class);

	@Test
	void mapFieldsAreReportedOnceWithTheFix(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(OrderService.class).cache).isExactlyInstanceOf(HashMap.class);
		});
		assertThat(output).contains("Singleton bean 'orderService' keeps a mutable java.util.HashMap in field 'cache'")
			.contains("set safemap.guard.fields=wrap")
			.contains("add 'orderService.cache' to safemap.guard.exclude")
			.contains("field 'index'")
			.contains("the field is final");
		assertThat(output.toString().split("field 'cache'", -1)).hasSize(2); // once
		assertThat(output).doesNotContain("field 'safe'").doesNotContain("field 'fixed'");
	}

	@Test
	void wrapReplacesNonFinalMapFieldsAndRegistersThem(CapturedOutput output) {
		this.runner.withPropertyValues("safemap.guard.fields=wrap").run((context) -> {
			OrderService service = context.getBean(OrderService.class);
			assertThat(service.cache).isInstanceOf(GuardedMap.class).containsEntry("warm", 1);
			assertThat(service.index).isExactlyInstanceOf(TreeMap.class); // final: reported, not replaced
			assertThat(context.getBean(GuardedMapRegistry.class).map("orderService.cache")).isPresent();
		});
		assertThat(output).contains("SafeMap guards field 'cache' of bean 'orderService'").contains("field 'index'");
	}

	@Test
	void excludedFieldsAndFieldsOffAreSilent(CapturedOutput output) {
		this.runner.withPropertyValues("safemap.guard.exclude=orderService.cache,orderService.index").run((context) -> {
			assertThat(context).hasNotFailed();
		});
		this.runner.withPropertyValues("safemap.guard.fields=off").run((context) -> {
			assertThat(context).hasNotFailed();
		});
		assertThat(output).doesNotContain("keeps a mutable").doesNotContain("no such bean");
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		OrderService orderService() {
			return new OrderService();
		}

	}

	static class OrderService {

		Map<String, Integer> cache = new HashMap<>(Map.of("warm", 1));

		final TreeMap<String, Integer> index = new TreeMap<>();

		final Map<String, Integer> safe = new ConcurrentHashMap<>();

		final Map<String, Integer> fixed = Map.of("a", 1);

	}

}
