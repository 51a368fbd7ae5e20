package dev.safemap.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.diagnostics.UnguardableMapException;
import dev.safemap.diagnostics.UnguardableMapFailureAnalyzer;
import dev.safemap.guard.GuardedMap;
import dev.safemap.support.KeyMasker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One original map becomes exactly one guarded map, whoever refers to it (GH-15, item 7), and a map that a
 * guarded map cannot hold fails startup with a report naming it (GH-15, item 8).
 */
class SharedMapGuardingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GuardedMapAutoConfiguration.class));

	@Test
	void twoBeansSharingOneMapFieldStillShareOneMapAfterWrap() {
		this.runner.withUserConfiguration(SharedFields.class).withPropertyValues("safemap.guard.fields=wrap").run((context) -> {
			Writer writer = context.getBean(Writer.class);
			Reader reader = context.getBean(Reader.class);
			assertThat(writer.entries).isInstanceOf(GuardedMap.class).isSameAs(reader.entries);
			writer.entries.put("alice", "cart-1");
			assertThat(reader.entries.get("alice")).isEqualTo("cart-1");
			assertThat(reader.entries).containsEntry("warm", "up");
		});
	}

	@Test
	void aFieldHoldingTheOriginalOfAMapBeanGetsTheBeansGuardedMap() {
		this.runner.withUserConfiguration(BeanAndField.class).withPropertyValues("safemap.guard.fields=wrap").run((context) -> {
			@SuppressWarnings("unchecked")
			Map<String, Long> stock = context.getBean("stock", Map.class);
			Inventory inventory = context.getBean(Inventory.class);
			Shop shop = context.getBean(Shop.class);
			assertThat(inventory.stock).isSameAs(stock).isSameAs(shop.stock);
			stock.put("apple", 3L);
			assertThat(inventory.stock.get("apple")).isEqualTo(3L);
			inventory.stock.put("pear", 1L);
			assertThat(shop.stock.get("pear")).isEqualTo(1L);
		});
	}

	@Test
	void aMapBeanHoldingANullValueFailsStartupNamingTheBeanAndTheMaskedKey() {
		this.runner.withUserConfiguration(NullValueBean.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new UnguardableMapFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			// no masking auto-configuration here: the post-processor masks with the JVM-wide generated secret
			assertThat(analysis.getDescription()).contains("Map: map bean 'prices'")
				.contains("it holds a null value for key " + KeyMasker.shared().mask("ACME"))
				.doesNotContain("ACME");
			assertThat(analysis.getAction()).contains("Do not store null in this map")
				.contains("safemap.guard.exclude=prices");
			assertThat(analysis.getCause()).isInstanceOf(UnguardableMapException.class);
		});
	}

	@Test
	void aWrappedFieldHoldingANullValueFailsStartupNamingTheField() {
		this.runner.withUserConfiguration(NullValueField.class).withPropertyValues("safemap.guard.fields=wrap").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new UnguardableMapFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Map: field 'cache' of bean 'quotes'")
				.contains("it holds a null key");
			assertThat(analysis.getAction()).contains("safemap.guard.exclude=quotes.cache");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class SharedFields {

		private static Map<String, String> shared() {
			Map<String, String> map = new HashMap<>();
			map.put("warm", "up");
			return map;
		}

		@Bean
		Writer writer() {
			return new Writer();
		}

		@Bean
		Reader reader(Writer writer) {
			Reader reader = new Reader();
			reader.entries = writer.entries;
			return reader;
		}

	}

	static class Writer {

		Map<String, String> entries = SharedFields.shared();

	}

	static class Reader {

		Map<String, String> entries;

	}

	@Configuration(proxyBeanMethods = false)
	static class BeanAndField {

		@Bean
		Inventory inventory() {
			return new Inventory();
		}

		@Bean
		Map<String, Long> stock(Inventory inventory) {
			return inventory.stock;
		}

		@Bean
		Shop shop(Map<String, Long> stock) {
			return new Shop(stock);
		}

	}

	static class Inventory {

		Map<String, Long> stock = new HashMap<>();

	}

	static class Shop {

		Map<String, Long> stock;

		Shop(Map<String, Long> stock) {
			this.stock = stock;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NullValueBean {

		@Bean
		Map<String, Long> prices() {
			Map<String, Long> prices = new HashMap<>();
			prices.put("ACME", null);
			return prices;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NullValueField {

		@Bean
		Quotes quotes() {
			return new Quotes();
		}

	}

	static class Quotes {

		Map<String, String> cache = new HashMap<>();

		Quotes() {
			this.cache.put(null, "default");
		}

	}

}
