package dev.safemap.breaker.cache;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.StoredValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Writes to Redis are done when {@code put} and {@code evict} return: Spring Data Redis writes asynchronously by
 * default with Lettuce, so a write could land after a later read or delete (an invalidated value coming back) and a
 * failed write would be lost without the fallback cache's WARN. No Redis server is needed: the port refuses.
 */
class RedisFallbackStoreFactoryTests {

	private final LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
			new RedisStandaloneConfiguration("127.0.0.1", refusingPort()),
			LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());

	@AfterEach
	void close() {
		this.connectionFactory.destroy();
	}

	@Test
	void aWriteThatCannotReachRedisFailsTheCallerInsteadOfBeingLostInTheBackground() {
		this.connectionFactory.afterPropertiesSet();
		FallbackStore<Object> store = new RedisFallbackStoreFactory(this.connectionFactory, "safemap:breaker:")
			.create(FallbackCacheSettings.builder("prices").build(), String.class);
		assertThatExceptionOfType(RedisConnectionFailureException.class)
			.isThrownBy(() -> store.put("ACME", new StoredValue<>("100", 1L)));
		assertThatExceptionOfType(RedisConnectionFailureException.class).isThrownBy(() -> store.evict("ACME"));
	}

	private static int refusingPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
