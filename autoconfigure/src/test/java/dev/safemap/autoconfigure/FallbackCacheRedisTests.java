package dev.safemap.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.FallbackResult;
import dev.safemap.breaker.cache.PlantedGadget;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Two application instances sharing Redis (127.0.0.1:6379): the second serves, as a fallback,
 * the value the first one stored.
 */
@Tag("services")
class FallbackCacheRedisTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
				BreakerAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=6379",
				"safemap.breaker.caches.shared-prices.max-staleness=1m");

	@Test
	void secondInstanceServesTheValueTheFirstStored() {
		String key = "ACME-" + UUID.randomUUID();
		this.runner.run((first) -> {
			FallbackCaches caches = first.getBean(FallbackCaches.class);
			assertThat(caches.storage()).isEqualTo("redis");
			FallbackCache<String, Price> cache = caches.cache("shared-prices", Price.class);
			assertThat(cache.call(key, () -> new Price("ACME", 100))).isEqualTo(new Price("ACME", 100));
			Long ttl = first.getBean(StringRedisTemplate.class)
				.getExpire("safemap:breaker:shared-prices::" + key);
			assertThat(ttl).isBetween(1L, 60L);
		});
		this.runner.run((second) -> {
			FallbackCache<String, Price> cache = second.getBean(FallbackCaches.class).cache("shared-prices", Price.class);
			FallbackResult<Price> result = cache.callForResult(key, () -> {
				throw new IllegalStateException("downstream down");
			});
			assertThat(result.value()).isEqualTo(new Price("ACME", 100));
			assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_AFTER_FAILURE);
			assertThat(result.age()).isLessThan(Duration.ofMinutes(1));
			cache.invalidate(key);
			assertThat(second.getBean(StringRedisTemplate.class).hasKey("safemap:breaker:shared-prices::" + key))
				.isFalse();
		});
	}

	@Test
	void aPlantedSerializedObjectIsRefusedWithoutRunningItsCodeAndServedAsAMiss() {
		String key = "ACME-" + UUID.randomUUID();
		PlantedGadget.RAN.set(false);
		this.runner.run((context) -> {
			byte[] redisKey = ("safemap:breaker:shared-prices::" + key).getBytes(StandardCharsets.UTF_8);
			context.getBean(RedisConnectionFactory.class).getConnection().stringCommands()
				.set(redisKey, PlantedGadget.serialized());
			FallbackCache<String, Price> cache = context.getBean(FallbackCaches.class).cache("shared-prices", Price.class);
			FallbackResult<Price> result = cache.callForResult(key, () -> new Price("ACME", 101));
			assertThat(PlantedGadget.RAN).as("code of the planted object ran").isFalse();
			assertThat(result.source()).isEqualTo(FallbackResult.Source.FRESH);
			assertThat(result.value()).isEqualTo(new Price("ACME", 101));
			assertThat(cache.stats().valuesUnreadable()).isPositive();
			// the planted bytes were replaced by the fresh value, in JSON
			String stored = context.getBean(StringRedisTemplate.class).opsForValue()
				.get("safemap:breaker:shared-prices::" + key);
			assertThat(stored).startsWith("{\"format\":\"safemap-fallback/1\",\"writtenAt\":")
				.endsWith(",\"value\":{\"symbol\":\"ACME\",\"cents\":101}}");
		});
	}

	@Test
	void aCacheWithoutAValueTypeIsRefusedByTheRedisStore() {
		this.runner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> context.getBean(FallbackCaches.class).cache("untyped-prices"))
			.withMessageContaining("untyped-prices")
			.withMessageContaining("value type"));
	}

	/** Not {@code Serializable}: values in Redis are JSON. */
	record Price(String symbol, long cents) {

	}

}
