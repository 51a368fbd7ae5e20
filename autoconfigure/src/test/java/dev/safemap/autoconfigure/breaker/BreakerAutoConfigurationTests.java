package dev.safemap.autoconfigure.breaker;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.safemap.actuate.breaker.FallbackCacheHealthIndicator;
import dev.safemap.aop.FallbackCachedAspect;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCacheCustomizer;
import dev.safemap.breaker.FallbackCached;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.FallbackResult;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;
import dev.safemap.breaker.cache.CaffeineFallbackStoreFactory;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.InvalidSafeMapPropertyFailureAnalyzer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.context.ContextRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class BreakerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
				TimeLimiterAutoConfiguration.class, BreakerAutoConfiguration.class));

	@Test
	void createsFallbackCachesOnEmbeddedCaffeineByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallbackCaches.class)
				.hasSingleBean(FallbackCachedAspect.class)
				.hasSingleBean(FallbackCacheHealthIndicator.class);
			FallbackCaches caches = context.getBean(FallbackCaches.class);
			assertThat(caches.storage()).isEqualTo("caffeine");
			assertThat(caches.propagatesContext()).isTrue();
			FallbackCache<String, String> cache = caches.cache("prices");
			// the breaker is the application's Resilience4j one
			assertThat(cache.circuitBreaker())
				.isSameAs(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("prices"));
			assertThat(cache.call("ACME", () -> "100")).isEqualTo("100");
		});
	}

	@Test
	void usesResilience4jInstanceConfiguration() {
		this.runner
			.withPropertyValues("resilience4j.circuitbreaker.instances.prices.sliding-window-size=7",
					"resilience4j.timelimiter.instances.prices.timeout-duration=250ms")
			.run((context) -> {
				FallbackCache<Object, Object> cache = context.getBean(FallbackCaches.class).cache("prices");
				assertThat(cache.circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
				assertThat(context.getBean(TimeLimiterRegistry.class).timeLimiter("prices").getTimeLimiterConfig()
					.getTimeoutDuration()).isEqualTo(Duration.ofMillis(250));
			});
	}

	@Test
	void cacheWithoutBreakerConfigurationLogsOneInfoLineAndUsesDefaults(CapturedOutput output) {
		this.runner.withPropertyValues("resilience4j.circuitbreaker.instances.configured.sliding-window-size=7")
			.run((context) -> {
				FallbackCaches caches = context.getBean(FallbackCaches.class);
				FallbackCache<Object, Object> unconfigured = caches.cache("unconfigured");
				caches.cache("unconfigured");
				caches.cache("configured");
				assertThat(unconfigured.circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize())
					.isEqualTo(100);
			});
		String notice = "Fallback cache 'unconfigured' has no resilience4j.circuitbreaker.instances.unconfigured configuration";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(notice), -1)).hasSize(2);
		assertThat(output).doesNotContain("Fallback cache 'configured' has no");
	}

	@Test
	void backsOffWhenTheApplicationDefinesFallbackCaches() {
		this.runner.withUserConfiguration(OwnFallbackCaches.class).run((context) -> {
			assertThat(context).hasSingleBean(FallbackCaches.class);
			assertThat(context.getBean(FallbackCaches.class)).isSameAs(context.getBean("ownCaches"));
		});
	}

	@Test
	void isDisabledByProperty() {
		this.runner.withPropertyValues("safemap.breaker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(FallbackCaches.class).doesNotHaveBean(FallbackCachedAspect.class);
		});
	}

	@Test
	void backsOffWithoutResilience4j() {
		this.runner.withClassLoader(new FilteredClassLoader(CircuitBreaker.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallbackCaches.class));
	}

	@Test
	void worksWithoutAspectJButWithoutTheAnnotation() {
		this.runner.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.run((context) -> assertThat(context).hasSingleBean(FallbackCaches.class)
				.doesNotHaveBean(FallbackCachedAspect.class));
	}

	@Test
	void worksWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(FallbackCaches.class)
				.doesNotHaveBean("safemapBreakerMetricsCustomizer"));
	}

	@Test
	void withoutRedisConnectionFactoryUsesCaffeine() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("caffeine"));
	}

	@Test
	void usesRedisWhenARedisConnectionFactoryIsAvailable() {
		// the connection factory connects lazily: no Redis server is needed to check the choice
		this.runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 6379))
			.run((context) -> assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("redis"));
	}

	@Test
	void theDocumentedDefaultAutoIsAcceptedAndChoosesAsWhenUnset() {
		// GH issue 16: the docs gave "auto" as the default, and "auto" failed startup
		this.runner.withPropertyValues("safemap.breaker.store=auto")
			.run((context) -> assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("caffeine"));
		this.runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 6379))
			.withPropertyValues("safemap.breaker.store=auto")
			.run((context) -> assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("redis"));
	}

	@Test
	void caffeineCanBeForcedWhenRedisIsAvailable() {
		this.runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 6379))
			.withPropertyValues("safemap.breaker.store=caffeine")
			.run((context) -> assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("caffeine"));
	}

	@Test
	void anyCacheManagerCanStoreTheValues() {
		this.runner.withBean("fallbackCacheManager", ConcurrentMapCacheManager.class, ConcurrentMapCacheManager::new)
			.withPropertyValues("safemap.breaker.store=cache-manager", "safemap.breaker.cache-manager=fallbackCacheManager")
			.run((context) -> {
				FallbackCaches caches = context.getBean(FallbackCaches.class);
				assertThat(caches.storage()).isEqualTo("cache-manager:fallbackCacheManager");
				caches.<String, String>cache("prices").call("ACME", () -> "100");
				assertThat(context.getBean(ConcurrentMapCacheManager.class).getCache("prices").get("ACME"))
					.isNotNull();
			});
	}

	@Test
	void anApplicationStoreFactoryReplacesTheStorage() {
		this.runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 6379))
			.withBean("ownStore", FallbackStoreFactory.class, InMemoryStoreFactory::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(FallbackStoreFactory.class);
				assertThat(context.getBean(FallbackCaches.class).storage()).isEqualTo("own");
			});
	}

	@Test
	void cacheManagerStoreNamingNoBeanFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("safemap.breaker.store=cache-manager", "safemap.breaker.cache-manager=missing")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
						context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.breaker.cache-manager");
				assertThat(ex.getValue()).isEqualTo("missing");
			});
	}

	@Test
	void redisStoreWithoutRedisOnTheClassPathFailsStartupNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("safemap.breaker.store=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
						context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.breaker.store");
				assertThat(ex.getValue()).isEqualTo("redis");
				assertThat(ex.getReason()).contains("RedisConnectionFactory");
			});
	}

	@Test
	void zeroThreadsFailStartupNamingThePropertyWithTheCoreReason() {
		this.runner.withPropertyValues("safemap.breaker.threads=0").run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.breaker.threads");
			assertThat(ex.getValue()).isEqualTo(0);
			assertThat(ex.getReason()).contains("threads must be positive").contains("0");
			assertThat(ex.getCause()).isInstanceOf(IllegalArgumentException.class);
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("safemap.breaker.threads");
			assertThat(analysis.getAction()).contains("positive number");
		});
	}

	@Test
	void zeroMaximumSizeFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("safemap.breaker.maximum-size=0").run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.breaker.maximum-size");
			assertThat(ex.getValue()).isEqualTo(0L);
		});
	}

	@Test
	void withoutResilience4jStarterTheCachesUseTheRegistryBean() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BreakerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
				FallbackCache<Object, Object> cache = context.getBean(FallbackCaches.class).cache("prices");
				assertThat(cache.circuitBreaker())
					.isSameAs(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("prices"));
			});
	}

	@Test
	void redisStoreWithoutConnectionFactoryFailsStartup() {
		this.runner.withPropertyValues("safemap.breaker.store=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure())).isInstanceOf(InvalidSafeMapPropertyException.class)
				.hasMessageContaining("safemap.breaker.store");
		});
	}

	@Test
	void missingCaffeineWithoutRedisFailsStartupWithAFix() {
		this.runner.withClassLoader(new FilteredClassLoader(Caffeine.class)).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getReason()).contains("Caffeine");
		});
	}

	@Test
	void zeroStalenessFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("safemap.breaker.caches.prices.max-staleness=0s").run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.breaker.caches.prices.max-staleness");
			assertThat(ex.getValue()).isEqualTo(Duration.ZERO);
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("safemap.breaker.caches.prices.max-staleness");
		});
	}

	@Test
	void negativeDefaultStalenessFailsStartup() {
		this.runner.withPropertyValues("safemap.breaker.max-staleness=-1m").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(((InvalidSafeMapPropertyException) rootCause(context.getStartupFailure())).getProperty())
				.isEqualTo("safemap.breaker.max-staleness");
		});
	}

	@Test
	void refreshAgeAboveStalenessFailsStartup() {
		this.runner
			.withPropertyValues("safemap.breaker.caches.prices.max-staleness=1m",
					"safemap.breaker.caches.prices.refresh-after=5m")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
						context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.breaker.caches.prices.refresh-after");
				assertThat(ex.getReason()).contains("above the maximum staleness");
			});
	}

	@Test
	void refreshAgeAboveDefaultStalenessFailsStartup() {
		this.runner.withPropertyValues("safemap.breaker.refresh-after=1h").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(((InvalidSafeMapPropertyException) rootCause(context.getStartupFailure())).getProperty())
				.isEqualTo("safemap.breaker.refresh-after");
		});
	}

	@Test
	void keyExpressionThatDoesNotParseFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(BadKeyConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getProperty()).contains("BadKeyService.price(String)").contains("(key)");
			assertThat(ex.getValue()).isEqualTo("#symbol +");
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("BadKeyService.price(String)");
		});
	}

	@Test
	void keyReferringToNoParameterFailsStartup() {
		this.runner.withUserConfiguration(UnknownParameterConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getReason()).contains("'sym' is not a parameter").contains("symbol");
		});
	}

	@Test
	void voidMethodFailsStartup() {
		this.runner.withUserConfiguration(VoidConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(((InvalidSafeMapPropertyException) rootCause(context.getStartupFailure())).getReason())
				.contains("return type");
		});
	}

	@Test
	void twoMethodsStoringDifferentValueTypesInOneCacheFailStartupNamingBothTypes() {
		this.runner.withUserConfiguration(ClashingTypesConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getValue()).isEqualTo("shared");
			assertThat(ex.getReason()).contains("java.lang.String").contains("java.lang.Integer");
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getAction()).contains("own cache name");
		});
	}

	@Test
	void valueTypesThatDifferOnlyInTypeArgumentsAlsoClash() {
		this.runner.withUserConfiguration(ClashingTypeArgumentsConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSafeMapPropertyException ex = (InvalidSafeMapPropertyException) rootCause(
					context.getStartupFailure());
			assertThat(ex.getReason()).contains("java.util.List<java.lang.String>")
				.contains("java.util.List<java.lang.Integer>");
		});
	}

	@Test
	void annotatedCachesAreCreatedAtStartup() {
		this.runner.withUserConfiguration(GoodConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FallbackCaches.class).caches()).containsKey("good");
			assertThat(context.getBean(CircuitBreakerRegistry.class).find("good")).isPresent();
			GoodService service = context.getBean(GoodService.class);
			assertThat(service.price("A", 2)).isEqualTo("A2");
			assertThat(service.describe("A")).isEqualTo("described A");
		});
	}

	@Test
	void metricsCountFallbacksPerCache() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			FallbackCache<String, String> cache = context.getBean(FallbackCaches.class).cache("prices");
			cache.call("ACME", () -> "100");
			cache.call("ACME", () -> {
				throw new IllegalStateException("down");
			});
			cache.call("EMPTY", () -> "");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("safemap.breaker.fallbacks").tag("cache", "prices").counter().count())
				.isEqualTo(1);
			assertThat(registry.get("safemap.breaker.calls").tag("cache", "prices").tag("source", "fresh").timer()
				.count()).isEqualTo(2);
			assertThat(registry.get("safemap.breaker.values.rejected").tag("cache", "prices").counter().count())
				.isEqualTo(1);
			// Caffeine's own statistics (recordStats) are bound too: one read found the stored value
			assertThat(registry.get("cache.gets").tag("cache", "safemap.breaker.prices").tag("result", "hit")
				.functionCounter().count()).isEqualTo(1);
		});
	}

	@Test
	void healthReportsOpenBreakersAndCachesServingStale() {
		this.runner.run((context) -> {
			FallbackCaches caches = context.getBean(FallbackCaches.class);
			FallbackCache<String, String> prices = caches.cache("prices");
			caches.cache("quotes");
			prices.call("ACME", () -> "100");
			prices.circuitBreaker().transitionToOpenState();
			prices.call("ACME", () -> "101");
			Health health = context.getBean(FallbackCacheHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("openBreakers", java.util.List.of("prices"))
				.containsEntry("servingStale", java.util.List.of("prices"))
				.containsEntry("storage", "caffeine");
		});
	}

	@Test
	void backgroundRefreshSeesTheCallersContext() {
		ThreadLocal<String> requestId = new ThreadLocal<>();
		ContextRegistry.getInstance().registerThreadLocalAccessor("test.request-id", requestId::get, requestId::set,
				requestId::remove);
		try {
			java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
			java.time.Clock clock = new java.time.Clock() {

				@Override
				public java.time.ZoneId getZone() {
					return java.time.ZoneOffset.UTC;
				}

				@Override
				public java.time.Clock withZone(java.time.ZoneId zone) {
					return this;
				}

				@Override
				public java.time.Instant instant() {
					return java.time.Instant.ofEpochMilli(now.get());
				}

			};
			this.runner.withPropertyValues("safemap.breaker.caches.ctx.refresh-after=1s")
				.withBean("testClock", FallbackCacheCustomizer.class,
						() -> (name, builder, store) -> builder.clock(clock))
				.run((context) -> {
				FallbackCache<String, String> cache = context.getBean(FallbackCaches.class).cache("ctx");
				cache.call("ACME", () -> "first");
				now.addAndGet(2_000); // the stored value is now older than refresh-after
				java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
				requestId.set("request-42");
				try {
					FallbackResult<String> stale = cache.callForResult("ACME", () -> {
						seen.set(Thread.currentThread().getName() + "/" + requestId.get());
						return "second";
					});
					assertThat(stale.source()).isEqualTo(FallbackResult.Source.STALE_WHILE_REFRESHING);
				}
				finally {
					requestId.remove();
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> seen.get() != null);
				assertThat(seen.get()).startsWith("safemap-breaker-").endsWith("/request-42");
			});
		}
		finally {
			ContextRegistry.getInstance().removeThreadLocalAccessor("test.request-id");
		}
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.safemapBreaker.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallbackCacheHealthIndicator.class));
	}

	/**
	 * The property failure in the cause chain: it is the root cause, or wraps the core's
	 * IllegalArgumentException that rejected the value.
	 */
	private static Throwable rootCause(Throwable failure) {
		Throwable current = failure;
		while (!(current instanceof InvalidSafeMapPropertyException) && current.getCause() != null
				&& current.getCause() != current) {
			current = current.getCause();
		}
		return current;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFallbackCaches {

		@Bean(destroyMethod = "close")
		FallbackCaches ownCaches() {
			return FallbackCaches.builder(CircuitBreakerRegistry.ofDefaults(), new CaffeineFallbackStoreFactory())
				.build();
		}

	}

	static class InMemoryStoreFactory implements FallbackStoreFactory {

		@Override
		public FallbackStore<Object> create(dev.safemap.breaker.FallbackCacheSettings settings) {
			return FallbackStore.of(new java.util.concurrent.ConcurrentHashMap<>());
		}

		@Override
		public String description() {
			return "own";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadKeyConfiguration {

		@Bean
		BadKeyService badKeyService() {
			return new BadKeyService();
		}

	}

	static class BadKeyService {

		@FallbackCached(name = "prices", key = "#symbol +")
		public String price(String symbol) {
			return symbol;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownParameterConfiguration {

		@Bean
		UnknownParameterService unknownParameterService() {
			return new UnknownParameterService();
		}

	}

	static class UnknownParameterService {

		@FallbackCached(name = "prices", key = "#sym")
		public String price(String symbol) {
			return symbol;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class VoidConfiguration {

		@Bean
		VoidService voidService() {
			return new VoidService();
		}

	}

	static class VoidService {

		@FallbackCached(name = "prices")
		public void update(String symbol) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClashingTypesConfiguration {

		@Bean
		NameService nameService() {
			return new NameService();
		}

		@Bean
		AgeService ageService() {
			return new AgeService();
		}

	}

	static class NameService {

		@FallbackCached(name = "shared", key = "#id")
		public String name(String id) {
			return "name of " + id;
		}

	}

	static class AgeService {

		@FallbackCached(name = "shared", key = "#id")
		public Integer age(String id) {
			return 42;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClashingTypeArgumentsConfiguration {

		@Bean
		ListService listService() {
			return new ListService();
		}

	}

	static class ListService {

		@FallbackCached(name = "lists", key = "'names' + #id")
		public java.util.List<String> names(String id) {
			return java.util.List.of(id);
		}

		@FallbackCached(name = "lists", key = "'ages' + #id")
		public java.util.List<Integer> ages(String id) {
			return java.util.List.of(1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GoodConfiguration {

		@Bean
		GoodService goodService() {
			return new GoodService();
		}

	}

	static class GoodService {

		@FallbackCached(name = "good")
		public String price(String symbol, int version) {
			return symbol + version;
		}

		@FallbackCached(name = "good", key = "'describe:' + #root.methodName + #p0")
		public String describe(String symbol) {
			return "described " + symbol;
		}

	}

}
