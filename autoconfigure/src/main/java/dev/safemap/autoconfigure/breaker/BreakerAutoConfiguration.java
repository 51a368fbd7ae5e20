package dev.safemap.autoconfigure.breaker;

import java.time.Duration;

import dev.safemap.actuate.breaker.CaffeineFallbackCacheMetrics;
import dev.safemap.actuate.breaker.FallbackCacheHealthIndicator;
import dev.safemap.actuate.breaker.FallbackCacheMetrics;
import dev.safemap.aop.FallbackCachedAspect;
import dev.safemap.autoconfigure.masking.SafeMapMaskingProperties;
import dev.safemap.aop.FallbackCachedMethodValidator;
import dev.safemap.breaker.FallbackCacheCustomizer;
import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.FallbackStoreFactory;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.support.KeyMasker;
import dev.safemap.web.FallbackContextFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration of fallback caches behind Resilience4j circuit breakers: the
 * {@link FallbackCaches} registry on the application's {@code CircuitBreakerRegistry} and
 * {@code TimeLimiterRegistry}, storage ({@link FallbackStoreConfigurations}: Redis when a {@code RedisConnectionFactory}
 * is available, embedded Caffeine otherwise, or a {@code CacheManager}; an application {@link FallbackStoreFactory}
 * bean replaces them), the {@code @FallbackCached} aspect with startup validation, and,
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
@EnableConfigurationProperties({ SafeMapBreakerProperties.class, SafeMapMaskingProperties.class })
@Import({ FallbackStoreConfigurations.CacheManagerStoreConfiguration.class,
		FallbackStoreConfigurations.RedisStoreConfiguration.class,
		FallbackStoreConfigurations.CaffeineStoreConfiguration.class,
		FallbackStoreConfigurations.UnavailableStoreConfiguration.class })
public final class BreakerAutoConfiguration {

	private static final String PREFIX = "safemap.breaker.";

	/**
	 * The one {@code CircuitBreakerRegistry} of SafeMap's features when the application has none (Resilience4j's
	 * Spring Boot starter defines it otherwise): fallback caches and compensations then share their breakers.
	 */
	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerRegistry safemapCircuitBreakerRegistry() {
		return CircuitBreakerRegistry.ofDefaults();
	}

	/** The {@code TimeLimiterRegistry} of fallback caches when the application has none. */
	@Bean
	@ConditionalOnMissingBean
	TimeLimiterRegistry safemapTimeLimiterRegistry() {
		return TimeLimiterRegistry.ofDefaults();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	FallbackCaches fallbackCaches(SafeMapBreakerProperties properties, CircuitBreakerRegistry circuitBreakerRegistry,
			TimeLimiterRegistry timeLimiterRegistry, FallbackStoreFactory storage,
			ObjectProvider<FallbackCacheCustomizer> customizers, SafeMapMaskingProperties masking, ObjectProvider<KeyMasker> keyMasker) {
		// validate every configured cache now, so that a bad value fails startup
		properties.getCaches().keySet().forEach((name) -> settings(properties, name));
		settings(properties, "*");
		FallbackCaches.Builder builder = FallbackCaches.builder(circuitBreakerRegistry, storage)
			.timeLimiters(timeLimiterRegistry)
			.settings((name) -> settings(properties, name))
			.showKeys(masking.getShowKeys().inLogs())
			.keyMasker(keyMasker.getIfAvailable(KeyMasker::shared));
		InvalidSafeMapPropertyException.apply(PREFIX + "threads", properties.getThreads(),
				"Set a positive number, for example 2.", () -> builder.threads(properties.getThreads()));
		customizers.orderedStream().forEach(builder::customizer);
		return builder.build();
	}

	/**
	 * The effective settings of one cache: its own values over the top-level defaults, each applied to the core
	 * builder (which holds the rules) under the property it came from.
	 */
	static FallbackCacheSettings settings(SafeMapBreakerProperties properties, String name) {
		SafeMapBreakerProperties.Cache cache = properties.getCaches().get(name);
		String cachePrefix = PREFIX + "caches." + name + ".";
		boolean own = cache != null && cache.getMaxStaleness() != null;
		Duration maxStaleness = own ? cache.getMaxStaleness() : properties.getMaxStaleness();
		String maxStalenessProperty = own ? cachePrefix + "max-staleness" : PREFIX + "max-staleness";
		own = cache != null && cache.getRefreshAfter() != null;
		Duration refreshAfter = own ? cache.getRefreshAfter() : properties.getRefreshAfter();
		String refreshAfterProperty = own ? cachePrefix + "refresh-after" : PREFIX + "refresh-after";
		own = cache != null && cache.getMaximumSize() != null;
		long maximumSize = own ? cache.getMaximumSize() : properties.getMaximumSize();
		String maximumSizeProperty = own ? cachePrefix + "maximum-size" : PREFIX + "maximum-size";
		own = cache != null && cache.getWaitTimeout() != null;
		Duration waitTimeout = own ? cache.getWaitTimeout() : properties.getWaitTimeout();
		String waitTimeoutProperty = own ? cachePrefix + "wait-timeout" : PREFIX + "wait-timeout";
		boolean cacheEmpty = (cache != null && cache.getCacheEmpty() != null) ? cache.getCacheEmpty()
				: properties.isCacheEmpty();

		FallbackCacheSettings.Builder builder = FallbackCacheSettings.builder(name).cacheEmpty(cacheEmpty);
		InvalidSafeMapPropertyException.apply(maxStalenessProperty, maxStaleness,
				"Set a positive duration, for example 10m.", () -> builder.maxStaleness(maxStaleness));
		String refreshFix = "Set " + refreshAfterProperty + " to a positive duration not above " + maxStaleness + " ("
				+ maxStalenessProperty + "), raise " + maxStalenessProperty
				+ ", or remove it to call the downstream on every call.";
		InvalidSafeMapPropertyException.apply(refreshAfterProperty, refreshAfter, refreshFix,
				() -> builder.refreshAfter(refreshAfter));
		InvalidSafeMapPropertyException.apply(maximumSizeProperty, maximumSize,
				"Set a positive number of entries, for example 10000.", () -> builder.maximumSize(maximumSize));
		InvalidSafeMapPropertyException.apply(waitTimeoutProperty, waitTimeout,
				"Set a positive duration, or remove it to use the time limiter's timeout.",
				() -> builder.waitTimeout(waitTimeout));
		// the one rule across values: the refresh age must not be above the maximum staleness
		return InvalidSafeMapPropertyException.apply(refreshAfterProperty, refreshAfter, refreshFix, builder::build);
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
				if (meterRegistry != null) {
					builder.listener(new FallbackCacheMetrics(meterRegistry, name));
				}
			};
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "com.github.benmanes.caffeine.cache.Cache")
		static class CaffeineMetricsConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "safemapBreakerCaffeineMetricsCustomizer")
			CaffeineFallbackCacheMetrics safemapBreakerCaffeineMetricsCustomizer(
					ObjectProvider<MeterRegistry> registry) {
				return new CaffeineFallbackCacheMetrics(registry::getIfUnique);
			}

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

	/**
	 * One {@link dev.safemap.breaker.FallbackContext} scope per servlet request, so that {@code FallbackContext.lastAnswer()} works in
	 * the request's code and no answer outlives the request on a pooled thread.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ OncePerRequestFilter.class, FilterRegistrationBean.class })
	static class FallbackContextFilterConfiguration {

		@Bean
		@ConditionalOnMissingFilterBean(FallbackContextFilter.class)
		FilterRegistrationBean<FallbackContextFilter> safemapFallbackContextFilter() {
			FilterRegistrationBean<FallbackContextFilter> registration = new FilterRegistrationBean<>(
					new FallbackContextFilter());
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
			return registration;
		}

	}

}
