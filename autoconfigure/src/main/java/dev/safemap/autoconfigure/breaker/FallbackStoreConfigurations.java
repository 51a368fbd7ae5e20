package dev.safemap.autoconfigure.breaker;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.safemap.autoconfigure.breaker.SafeMapBreakerProperties.StoreType;
import dev.safemap.breaker.FallbackStoreFactory;
import dev.safemap.breaker.cache.CacheManagerFallbackStoreFactory;
import dev.safemap.breaker.cache.CaffeineFallbackStoreFactory;
import dev.safemap.breaker.cache.RedisFallbackStoreFactory;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The storage of fallback caches, one configuration per store, imported by {@link BreakerAutoConfiguration} in
 * order of precedence (as Boot's own cache configurations): the first that matches defines the
 * {@link FallbackStoreFactory} bean and the others back off. {@code safemap.breaker.store} picks one; unset, Redis
 * wins when a {@code RedisConnectionFactory} bean exists, embedded Caffeine otherwise. The last configuration
 * matches only when the chosen store cannot work, and fails startup naming the property.
 */
final class FallbackStoreConfigurations {

	static final String STORE = "safemap.breaker.store";

	private FallbackStoreConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(FallbackStoreFactory.class)
	@Conditional(OnCacheManagerStore.class)
	static class CacheManagerStoreConfiguration {

		@Bean
		FallbackStoreFactory safemapBreakerStoreFactory(SafeMapBreakerProperties properties, BeanFactory beanFactory) {
			String name = properties.getCacheManager();
			if (name == null || name.isBlank() || !beanFactory.containsBean(name)) {
				throw new InvalidSafeMapPropertyException("safemap.breaker.cache-manager", name,
						"store is 'cache-manager' but no CacheManager bean has that name",
						"Set safemap.breaker.cache-manager to the name of a CacheManager bean.");
			}
			return new CacheManagerFallbackStoreFactory(name, beanFactory.getBean(name, CacheManager.class));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(value = { RedisConnectionFactory.class, RedisCacheManager.class },
			name = "tools.jackson.databind.json.JsonMapper")
	@ConditionalOnBean(RedisConnectionFactory.class)
	@ConditionalOnMissingBean(FallbackStoreFactory.class)
	@Conditional(OnRedisStore.class)
	static class RedisStoreConfiguration {

		@Bean
		FallbackStoreFactory safemapBreakerStoreFactory(SafeMapBreakerProperties properties,
				RedisConnectionFactory connectionFactory) {
			return new RedisFallbackStoreFactory(connectionFactory, properties.getRedisKeyPrefix());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Caffeine.class, CaffeineCache.class })
	@ConditionalOnMissingBean(FallbackStoreFactory.class)
	@Conditional(OnCaffeineStore.class)
	static class CaffeineStoreConfiguration {

		@Bean
		FallbackStoreFactory safemapBreakerStoreFactory() {
			return new CaffeineFallbackStoreFactory();
		}

	}

	/** Reached only when the chosen (or default) store is missing: fails startup with the fix. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(FallbackStoreFactory.class)
	static class UnavailableStoreConfiguration {

		@Bean
		FallbackStoreFactory safemapBreakerStoreFactory(SafeMapBreakerProperties properties) {
			if (properties.getStore() == StoreType.REDIS) {
				throw new InvalidSafeMapPropertyException(STORE, "redis",
						"no RedisConnectionFactory is available, or Jackson 3 (which writes the values as JSON) is not "
								+ "on the classpath",
						"Add spring-boot-starter-data-redis and tools.jackson.core:jackson-databind and configure "
								+ "spring.data.redis.*, or set " + STORE + "=caffeine.");
			}
			throw new InvalidSafeMapPropertyException(STORE, properties.getStore(),
					"Caffeine (com.github.ben-manes.caffeine:caffeine and spring-context-support) is not on the classpath",
					"Add Caffeine, configure Redis, or set " + STORE
							+ "=cache-manager with safemap.breaker.cache-manager.");
		}

	}

	/** Matches when {@code safemap.breaker.store} is the given type, or auto (the default) when {@code ifAuto}. */
	abstract static class StoreTypeCondition extends SpringBootCondition {

		private final StoreType type;

		private final boolean ifAuto;

		StoreTypeCondition(StoreType type, boolean ifAuto) {
			this.type = type;
			this.ifAuto = ifAuto;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			StoreType configured = Binder.get(context.getEnvironment())
				.bind(STORE, StoreType.class)
				.orElse(StoreType.AUTO);
			if (configured == StoreType.AUTO) {
				return this.ifAuto ? ConditionOutcome.match(STORE + " is auto")
						: ConditionOutcome.noMatch(STORE + " is auto");
			}
			return (configured == this.type) ? ConditionOutcome.match(STORE + " is " + configured)
					: ConditionOutcome.noMatch(STORE + " is " + configured);
		}

	}

	static final class OnCacheManagerStore extends StoreTypeCondition {

		OnCacheManagerStore() {
			super(StoreType.CACHE_MANAGER, false);
		}

	}

	static final class OnRedisStore extends StoreTypeCondition {

		OnRedisStore() {
			super(StoreType.REDIS, true);
		}

	}

	static final class OnCaffeineStore extends StoreTypeCondition {

		OnCaffeineStore() {
			super(StoreType.CAFFEINE, true);
		}

	}

}
