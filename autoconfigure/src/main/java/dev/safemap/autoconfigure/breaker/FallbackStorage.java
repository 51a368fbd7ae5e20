package dev.safemap.autoconfigure.breaker;

import java.util.Objects;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;
import dev.safemap.breaker.cache.SpringCacheFallbackStore;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Where fallback caches keep their last known good values: one Spring {@link Cache} per fallback
 * cache. Implementations are in nested classes so that Caffeine and Redis classes are loaded only
 * when they are used.
 */
interface FallbackStorage extends FallbackStoreFactory {

	/**
	 * Returns the Spring cache backing one fallback cache.
	 * @param settings the cache's settings
	 * @return the cache
	 */
	Cache cache(FallbackCacheSettings settings);

	@Override
	default FallbackStore<Object> create(FallbackCacheSettings settings) {
		return new SpringCacheFallbackStore(cache(settings));
	}

	static FallbackStorage select(SafeMapBreakerProperties properties, ListableBeanFactory beanFactory) {
		SafeMapBreakerProperties.StoreType type = properties.getStore();
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : null;
		boolean caffeinePresent = ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Caffeine", classLoader)
				&& ClassUtils.isPresent("org.springframework.cache.caffeine.CaffeineCache", classLoader);
		boolean redisPresent = ClassUtils.isPresent("org.springframework.data.redis.cache.RedisCacheManager",
				classLoader);
		if (type == SafeMapBreakerProperties.StoreType.CACHE_MANAGER) {
			String name = properties.getCacheManager();
			if (name == null || name.isBlank() || !beanFactory.containsBean(name)) {
				throw new InvalidSafeMapPropertyException("safemap.breaker.cache-manager", name,
						"store is 'cache-manager' but no CacheManager bean has that name",
						"Set safemap.breaker.cache-manager to the name of a CacheManager bean.");
			}
			return new CacheManagerStorage(name, beanFactory.getBean(name, CacheManager.class));
		}
		if (type == SafeMapBreakerProperties.StoreType.REDIS
				|| (type == null && redisPresent && RedisStorage.connectionFactoryAvailable(beanFactory))) {
			if (!redisPresent || !RedisStorage.connectionFactoryAvailable(beanFactory)) {
				throw new InvalidSafeMapPropertyException("safemap.breaker.store", "redis",
						"no RedisConnectionFactory is available",
						"Add spring-boot-starter-data-redis and configure spring.data.redis.*, or set safemap.breaker.store=caffeine.");
			}
			return RedisStorage.create(beanFactory, properties.getRedisKeyPrefix());
		}
		if (!caffeinePresent) {
			throw new InvalidSafeMapPropertyException("safemap.breaker.store", type,
					"Caffeine (com.github.ben-manes.caffeine:caffeine and spring-context-support) is not on the classpath",
					"Add Caffeine, configure Redis, or set safemap.breaker.store=cache-manager with safemap.breaker.cache-manager.");
		}
		return new CaffeineStorage();
	}

	/** An embedded, bounded Caffeine cache per fallback cache, expiring at the maximum staleness. */
	final class CaffeineStorage implements FallbackStorage {

		@Override
		public Cache cache(FallbackCacheSettings settings) {
			return new CaffeineCache(settings.name(),
					Caffeine.newBuilder()
						.maximumSize(settings.maximumSize())
						.expireAfterWrite(settings.maxStaleness())
						.recordStats()
						.build(),
					false);
		}

		@Override
		public String description() {
			return "caffeine";
		}

	}

	/** Redis through Spring Data Redis' cache, entries expiring at the maximum staleness. */
	final class RedisStorage implements FallbackStorage {

		private final RedisConnectionFactory connectionFactory;

		private final String prefix;

		private RedisStorage(RedisConnectionFactory connectionFactory, String prefix) {
			this.connectionFactory = connectionFactory;
			this.prefix = prefix;
		}

		static boolean connectionFactoryAvailable(ListableBeanFactory beanFactory) {
			return beanFactory.getBeanNamesForType(RedisConnectionFactory.class).length > 0;
		}

		static FallbackStorage create(ListableBeanFactory beanFactory, String prefix) {
			return new RedisStorage(beanFactory.getBean(RedisConnectionFactory.class), prefix);
		}

		@Override
		public Cache cache(FallbackCacheSettings settings) {
			// values are StoredValue records serialized with JDK serialization (the default), so
			// every instance reads what another one wrote
			RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
				.disableCachingNullValues()
				.entryTtl(settings.maxStaleness())
				.computePrefixWith((cacheName) -> this.prefix + cacheName + "::");
			RedisCacheManager manager = RedisCacheManager.builder(this.connectionFactory)
				.cacheDefaults(configuration)
				.build();
			manager.afterPropertiesSet();
			return Objects.requireNonNull(manager.getCache(settings.name()));
		}

		@Override
		public String description() {
			return "redis";
		}

	}

	/** A CacheManager bean of the application. */
	final class CacheManagerStorage implements FallbackStorage {

		private final String beanName;

		private final CacheManager cacheManager;

		CacheManagerStorage(String beanName, CacheManager cacheManager) {
			this.beanName = beanName;
			this.cacheManager = cacheManager;
		}

		@Override
		public Cache cache(FallbackCacheSettings settings) {
			Cache cache = this.cacheManager.getCache(settings.name());
			if (cache == null) {
				throw new InvalidSafeMapPropertyException("safemap.breaker.cache-manager", this.beanName,
						"the CacheManager has no cache named '" + settings.name() + "'",
						"Declare the cache in that CacheManager or let it create caches on demand.");
			}
			return cache;
		}

		@Override
		public String description() {
			return "cache-manager:" + this.beanName;
		}

	}

}
