package dev.safemap.breaker.cache;

import java.util.Objects;

import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;

import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps each fallback cache's last known good values in Redis through Spring Data Redis' cache, shared by every
 * instance of the application; entries expire at the cache's maximum staleness. Values are
 * {@link dev.safemap.breaker.StoredValue} records in JDK serialization (Spring Data Redis' default), so every
 * instance reads what another one wrote.
 * <p>
 * Thread-safety: immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisFallbackStoreFactory implements FallbackStoreFactory {

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	/**
	 * Creates the factory.
	 * @param connectionFactory the connection factory
	 * @param keyPrefix prefixed to every key, before the cache name (for example {@code safemap:breaker:})
	 */
	public RedisFallbackStoreFactory(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
	}

	@Override
	public FallbackStore<Object> create(FallbackCacheSettings settings) {
		RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
			.disableCachingNullValues()
			.entryTtl(settings.maxStaleness())
			.computePrefixWith((cacheName) -> this.keyPrefix + cacheName + "::");
		RedisCacheManager manager = RedisCacheManager.builder(this.connectionFactory)
			.cacheDefaults(configuration)
			.build();
		manager.afterPropertiesSet();
		return new SpringCacheFallbackStore(Objects.requireNonNull(manager.getCache(settings.name())));
	}

	@Override
	public String description() {
		return "redis";
	}

}
