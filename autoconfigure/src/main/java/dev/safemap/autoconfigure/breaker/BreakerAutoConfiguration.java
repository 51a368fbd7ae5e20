package dev.safemap.autoconfigure.breaker;

import dev.safemap.actuate.breaker.FallbackCacheHealthIndicator;
import dev.safemap.actuate.breaker.FallbackCacheMetrics;
import dev.safemap.aop.FallbackCachedAspect;
import dev.safemap.aop.FallbackCachedMethodValidator;
import dev.safemap.breaker.FallbackCacheCustomizer;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.cache.SpringCacheFallbackStore;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of fallback caches behind Resilience4j circuit breakers: the
 * {@link FallbackCaches} registry on the application's {@code CircuitBreakerRegistry} and
 * {@code TimeLimiterRegistry}, storage (Redis when a {@code RedisConnectionFactory} is available,
 * embedded Caffeine otherwise), the {@code @FallbackCached} aspect with startup validation, and,
 * when present, Micrometer meters and a health indicator ({@code safemapBreaker}).
 * <p>
 * Thread-safety: used by the container during startup only; the beans it creates are
 * thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
		"io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.autoconfigure.aop.AopAutoConfiguration" })
@ConditionalOnClass({ CircuitBreaker.class, TimeLimiter.class, Cache.class })
@ConditionalOnBooleanProperty(name = "safemap.breaker.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SafeMapBreakerProperties.class)
public final class BreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallbackStorage safemapBreakerStorage(SafeMapBreakerProperties properties, ListableBeanFactory beanFactory) {
		return FallbackStorage.select(properties, beanFactory);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	FallbackCaches fallbackCaches(SafeMapBreakerProperties properties,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
			ObjectProvider<TimeLimiterRegistry> timeLimiterRegistry, FallbackStorage storage,
			ObjectProvider<FallbackCacheCustomizer> customizers) {
		// validate every configured cache now, so that a bad value fails startup
		properties.getCaches().keySet().forEach((name) -> BreakerCacheSettings.resolve(properties, name));
		BreakerCacheSettings.resolve(properties, "*");
		if (properties.getThreads() <= 0) {
			throw new InvalidSafeMapPropertyException("safemap.breaker.threads", properties.getThreads(),
					"at least one thread is needed for background refreshes and timeouts",
					"Set a positive number, for example 2.");
		}
		FallbackCaches.Builder builder = FallbackCaches
			.builder(circuitBreakerRegistry.getIfAvailable(CircuitBreakerRegistry::ofDefaults), storage)
			.timeLimiters(timeLimiterRegistry.getIfAvailable(TimeLimiterRegistry::ofDefaults))
			.settings((name) -> BreakerCacheSettings.resolve(properties, name))
			.threads(properties.getThreads())
			.showKeys(properties.isShowKeys());
		customizers.orderedStream().forEach(builder::customizer);
		return builder.build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.aspectj.weaver.Advice")
	static class AspectConfiguration {

		@Bean
		@ConditionalOnMissingBean
		static FallbackCachedMethodValidator safemapFallbackCachedMethodValidator() {
			return new FallbackCachedMethodValidator();
		}

		@Bean
		@ConditionalOnMissingBean
		FallbackCachedAspect safemapFallbackCachedAspect(FallbackCaches caches,
				FallbackCachedMethodValidator validator) {
			return new FallbackCachedAspect(caches, validator);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "safemapBreakerMetricsCustomizer")
		FallbackCacheCustomizer safemapBreakerMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
			return (name, builder, store) -> {
				MeterRegistry meterRegistry = registry.getIfUnique();
				if (meterRegistry == null) {
					return;
				}
				builder.listener(new FallbackCacheMetrics(meterRegistry, name));
				if (store instanceof SpringCacheFallbackStore spring && CaffeineStats.present()
						&& CaffeineStats.isCaffeine(spring.cache().getNativeCache())) {
					CaffeineStats.monitor(meterRegistry, spring.cache().getNativeCache(), name);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("safemapBreaker")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "safemapBreakerHealthIndicator")
		FallbackCacheHealthIndicator safemapBreakerHealthIndicator(FallbackCaches caches) {
			return new FallbackCacheHealthIndicator(caches);
		}

	}

	/** Caffeine's statistics as Micrometer meters; loaded only when Caffeine is present. */
	private static final class CaffeineStats {

		static boolean present() {
			return ClassUtils.isPresent("com.github.benmanes.caffeine.cache.Cache", BreakerAutoConfiguration.class.getClassLoader());
		}

		static boolean isCaffeine(Object nativeCache) {
			return nativeCache instanceof com.github.benmanes.caffeine.cache.Cache<?, ?>;
		}

		static void monitor(MeterRegistry registry, Object nativeCache, String name) {
			CaffeineCacheMetrics.monitor(registry, (com.github.benmanes.caffeine.cache.Cache<?, ?>) nativeCache,
					"safemap.breaker." + name, Tags.of("cache.manager", "safemapBreaker"));
		}

	}

}
