package dev.safemap.autoconfigure.compensation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;

import dev.safemap.actuate.compensation.CompensationHealthIndicator;
import dev.safemap.actuate.compensation.CompensationMetrics;
import dev.safemap.aop.BeanMethodCompensationHandlers;
import dev.safemap.aop.CompensableMethodInterceptor;
import dev.safemap.aop.CompensableMethodPostProcessor;
import dev.safemap.aop.CompensationWorker;
import dev.safemap.autoconfigure.compensation.SafeMapCompensationProperties.StoreType;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationListener;
import dev.safemap.compensation.CompensationMigration;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.CompensationTemplate;
import dev.safemap.compensation.ContextPropagator;
import dev.safemap.compensation.ExponentialBackoff;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.compensation.jdbc.LazyEmbeddedCompensationStore;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.web.IdempotencyKeyExchangeFilter;
import dev.safemap.web.IdempotencyKeyInterceptor;
import dev.safemap.web.RequestContextFactory;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Auto-configuration of the async compensation queue: a durable store (embedded H2 in file mode, or the
 * application's {@link DataSource}), the {@link CompensationRegistry} and its replay worker, the
 * {@link Compensable} interceptor routing calls through Resilience4j circuit breakers, and the
 * {@code Idempotency-Key} HTTP interceptor ({@code RestClient}) and exchange filter ({@code WebClient}).
 * Configuration classes are used once, at startup, by one thread.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@ConditionalOnClass({ CircuitBreaker.class, IntervalFunction.class, JsonMapper.class, JdbcClient.class })
@ConditionalOnBooleanProperty(name = "safemap.compensation.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SafeMapCompensationProperties.class)
public final class CompensationAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(CompensationAutoConfiguration.class);

	private static final String PREFIX = "safemap.compensation.";

	@Bean
	@ConditionalOnMissingBean
	static CompensableMethodPostProcessor compensableMethodPostProcessor() {
		return new CompensableMethodPostProcessor();
	}

	/**
	 * The one {@code CircuitBreakerRegistry} of SafeMap's features when the application has none (Resilience4j's
	 * Spring Boot starter defines it otherwise); {@code BreakerAutoConfiguration} defines the same bean, so
	 * compensations and fallback caches share their breakers whichever runs first.
	 */
	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerRegistry safemapCircuitBreakerRegistry() {
		return CircuitBreakerRegistry.ofDefaults();
	}

	/**
	 * The store. The embedded one is opened at startup when the application asked for it (a store property is set),
	 * when its directory already holds a database (entries to replay), or once {@code @Compensable} methods were
	 * found ({@link #compensationStoreOpener}); otherwise at the first enqueue: an application that never defers a
	 * write gets no directory and no file.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(CompensationStore.class)
	CompensationStore compensationStore(SafeMapCompensationProperties properties,
			ObjectProvider<DataSource> dataSource, Environment environment) {
		SafeMapCompensationProperties.Store store = properties.getStore();
		String table = InvalidSafeMapPropertyException.apply(PREFIX + "store.table-name", store.getTableName(),
				"Set " + PREFIX + "store.table-name to a name such as safemap_compensation",
				() -> JdbcCompensationStore.checkTableName(store.getTableName()));
		StoreType type = store.getType();
		DataSource application = dataSource.getIfUnique();
		if (type == StoreType.JDBC && application == null) {
			throw new InvalidSafeMapPropertyException(PREFIX + "store.type", "jdbc",
					"the application has no (unique) DataSource bean",
					"Configure spring.datasource.*, or set " + PREFIX + "store.type=embedded");
		}
		if (type == StoreType.JDBC || (type == StoreType.AUTO && application != null && !inMemory(application))) {
			return jdbcStore(application, table, initialize(store.getInitializeSchema(), application), type);
		}
		LazyEmbeddedCompensationStore embedded = new LazyEmbeddedCompensationStore(Path.of(store.getDirectory()),
				table);
		// asked for by name (store.type=embedded or a directory); store.type=auto is the default spelled out, not a request
		boolean requested = type == StoreType.EMBEDDED || environment.containsProperty(PREFIX + "store.directory");
		if (requested || embedded.exists()) {
			return openEmbedded(embedded);
		}
		logger.debug("Compensation queue: embedded H2 under {}, created at the first deferred write",
				embedded.getDirectory().toAbsolutePath());
		return embedded;
	}

	private static JdbcCompensationStore openEmbedded(LazyEmbeddedCompensationStore embedded) {
		try {
			JdbcCompensationStore opened = embedded.open();
			logger.debug("Compensation queue stored in embedded H2 under {}",
					embedded.getDirectory().toAbsolutePath());
			return opened;
		}
		catch (RuntimeException ex) {
			throw new InvalidSafeMapPropertyException(PREFIX + "store.directory", embedded.getDirectory().toString(),
					"the embedded compensation store cannot be opened there: " + ex.getMessage(),
					"Point " + PREFIX + "store.directory to a writable directory that no other running process uses");
		}
	}

	/**
	 * Opens the embedded store at startup once the application's {@code @Compensable} methods are known, so that an
	 * unusable directory fails startup rather than the first deferred write.
	 */
	@Bean
	static SmartInitializingSingleton compensationStoreOpener(ObjectProvider<CompensationStore> store,
			ObjectProvider<CompensableMethodPostProcessor> methods) {
		return () -> {
			CompensableMethodPostProcessor found = methods.getIfAvailable();
			if (found != null && found.hasCompensableMethods()
					&& store.getIfAvailable() instanceof LazyEmbeddedCompensationStore embedded && !embedded.isOpen()) {
				openEmbedded(embedded);
			}
		};
	}

	/** An in-memory database would lose the queue on restart: auto mode keeps it on disk instead. */
	/** Boot's meaning of the mode: embedded means an in-memory database, as {@code spring.sql.init.mode} has it. */
	private static boolean initialize(DatabaseInitializationMode mode, DataSource dataSource) {
		return switch (mode) {
			case ALWAYS -> true;
			case NEVER -> false;
			case EMBEDDED -> {
				try {
					yield JdbcCompensationStore.isInMemory(dataSource);
				}
				catch (IllegalStateException ex) {
					yield false; // reported with its cause when the JDBC store connects
				}
			}
		};
	}

	private static boolean inMemory(DataSource dataSource) {
		try {
			boolean inMemory = JdbcCompensationStore.isInMemory(dataSource);
			if (inMemory) {
				logger.info("The application's DataSource is an in-memory database; the compensation queue uses the "
						+ "embedded store on disk instead (set safemap.compensation.store.type=jdbc to override)");
			}
			return inMemory;
		}
		catch (IllegalStateException ex) {
			return false; // reported with its cause when the JDBC store connects
		}
	}

	private static JdbcCompensationStore jdbcStore(DataSource dataSource, String table, boolean initialize,
			StoreType type) {
		JdbcCompensationStore store;
		try {
			// due times and lease expiries from PostgreSQL's clock: instances with skewed clocks agree on them
			store = JdbcCompensationStore.create(dataSource, table).useDatabaseClock();
		}
		catch (RuntimeException ex) {
			throw new InvalidSafeMapPropertyException(PREFIX + "store.type", type.name().toLowerCase(),
					"the compensation store uses the application's DataSource, which cannot be reached: "
							+ ex.getMessage(),
					"Check spring.datasource.* (URL, credentials, that the database is up), or set " + PREFIX
							+ "store.type=embedded to keep the queue on local disk");
		}
		if (initialize) {
			try {
				store.initializeSchema();
			}
			catch (DataAccessException ex) {
				throw new InvalidSafeMapPropertyException(PREFIX + "store.table-name", table,
						"the compensation table cannot be created: " + ex.getMostSpecificCause().getMessage(),
						"Grant CREATE on the schema, or create it with dev/safemap/compensation/schema-*.sql and set "
								+ PREFIX + "store.initialize-schema=never");
			}
		}
		return store;
	}

	/**
	 * Request context of a replay: rebuilt with the policy of the application's request contexts
	 * ({@code safemap.context.*}: limits, MDC keys, violation listener), the default policy without one.
	 */
	@Bean
	@ConditionalOnMissingBean
	ContextPropagator compensationContextPropagator(ObjectProvider<RequestContextFactory> requestContexts) {
		RequestContextFactory factory = requestContexts.getIfUnique();
		return (factory != null) ? ContextPropagator.requestContext(factory.policy())
				: ContextPropagator.requestContext();
	}

	@Bean
	@ConditionalOnMissingBean
	CompensationRegistry compensationRegistry(CompensationStore store, SafeMapCompensationProperties properties,
			BeanFactory beanFactory, ObjectProvider<JsonMapper> mapper, ObjectProvider<ContextPropagator> propagator,
			ObjectProvider<CompensationListener> listeners, ObjectProvider<CompensationMigration> migrations,
			ObjectProvider<KeyMasker> keyMasker) {
		CompensationRegistry.Builder builder = CompensationRegistry.builder(store);
		builder.keyMasker(keyMasker.getIfAvailable(KeyMasker::shared));
		// the rules live in the core builder; each property is applied under its own name, before it is used
		apply("poll-interval", properties.getPollInterval(), "a positive duration such as 2s", builder::pollInterval);
		apply("lease", properties.getLease(), "a positive duration such as 2m", builder::lease);
		apply("max-age", properties.getMaxAge(), "a positive duration such as 1d", builder::maxAge);
		apply("done-retention", properties.getDoneRetention(), "a duration such as 1h", builder::doneRetention);
		apply("unknown-target-wait", properties.getUnknownTargetWait(), "a duration such as 1h (0 for no wait)",
				builder::unknownTargetWait);
		apply("batch-size", properties.getBatchSize(), "a batch size such as 50", builder::batchSize);
		apply("replay-threads", properties.getReplayThreads(), "a number of threads from 1 to 64, such as 4",
				builder::replayThreads);
		apply("max-attempts", properties.getMaxAttempts(),
				"the number of attempts before an entry goes to dead letters, e.g. 10", builder::maxAttempts);
		builder.backoff(backoff(properties.getBackoff()).toIntervalFunction())
			.notAttempted(CallNotPermittedException.class::isInstance)
			.handlers(new BeanMethodCompensationHandlers(beanFactory,
					beanFactory.getBeanProvider(CircuitBreakerRegistry.class), mapper, properties.getLease()))
			.contextPropagator(propagator.getIfAvailable(ContextPropagator::none));
		listeners.orderedStream().forEach(builder::listener);
		migrations.orderedStream().forEach(builder::migration);
		return builder.build();
	}

	private static ExponentialBackoff backoff(SafeMapCompensationProperties.Backoff backoff) {
		ExponentialBackoff.Builder builder = ExponentialBackoff.builder();
		apply("backoff.initial-interval", backoff.getInitialInterval(), "a positive duration such as 1s",
				builder::initialInterval);
		apply("backoff.max-interval", backoff.getMaxInterval(), "a positive duration such as 5m",
				builder::maxInterval);
		apply("backoff.multiplier", backoff.getMultiplier(), "a multiplier such as 2.0", builder::multiplier);
		apply("backoff.randomization-factor", backoff.getRandomizationFactor(), "a randomization factor such as 0.5",
				builder::randomizationFactor);
		return InvalidSafeMapPropertyException.apply(PREFIX + "backoff.max-interval", backoff.getMaxInterval(),
				"Set " + PREFIX + "backoff.max-interval to at least " + PREFIX + "backoff.initial-interval ("
						+ backoff.getInitialInterval() + ")",
				builder::build);
	}

	/** Applies {@code safemap.compensation.<property>} to a core builder; the fix says "Set it to {@code example}". */
	private static <T> void apply(String property, T value, String example, Function<T, ?> setter) {
		InvalidSafeMapPropertyException.apply(PREFIX + property, value, "Set " + PREFIX + property + " to " + example,
				() -> setter.apply(value));
	}

	@Bean
	@ConditionalOnMissingBean
	CompensationWorker compensationWorker(CompensationRegistry registry, CompensableMethodPostProcessor methods,
			CircuitBreakerRegistry breakers, CompensableMethodInterceptor interceptor) {
		return new CompensationWorker(registry, methods, breakers, interceptor);
	}

	@Bean
	@ConditionalOnMissingBean
	CompensationTemplate compensationTemplate(CompensationRegistry registry, CircuitBreakerRegistry breakers,
			ObjectProvider<JsonMapper> mapper,
			ObjectProvider<ContextPropagator> propagator) {
		return new CompensationTemplate(registry, breakers, mapper.getIfAvailable(JsonMapper::shared),
				propagator.getIfAvailable(ContextPropagator::none));
	}

	/**
	 * The advisor is created by the auto-proxy creator before other beans; keeping it (and its interceptor,
	 * whose collaborators are resolved lazily) in an infrastructure configuration keeps the rest of this
	 * auto-configuration eligible for all post-processors.
	 */
	@Configuration(proxyBeanMethods = false)
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static class CompensableAdvisorConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		@ConditionalOnMissingBean
		CompensableMethodInterceptor compensableMethodInterceptor(CompensableMethodPostProcessor methods,
				ObjectProvider<CompensationRegistry> registry, ObjectProvider<CircuitBreakerRegistry> breakers,
				ObjectProvider<JsonMapper> mapper, ObjectProvider<ContextPropagator> propagator) {
			return new CompensableMethodInterceptor(methods, registry, breakers, mapper, propagator);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		@ConditionalOnMissingBean(name = "compensableAdvisor")
		DefaultPointcutAdvisor compensableAdvisor(CompensableMethodInterceptor compensableMethodInterceptor) {
			DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
					new AnnotationMatchingPointcut(null, Compensable.class, true), compensableMethodInterceptor);
			advisor.setOrder(0);
			return advisor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class CompensationMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CompensationMetrics compensationMetrics(ObjectProvider<CompensationRegistry> registry) {
			// lazy: the registry takes this bean as a listener
			return new CompensationMetrics(registry::getIfAvailable, Duration.ofSeconds(5));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("compensations")
	static class CompensationHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "compensationsHealthIndicator")
		CompensationHealthIndicator compensationsHealthIndicator(CompensationRegistry registry,
				SafeMapCompensationProperties properties) {
			SafeMapCompensationProperties.Health health = properties.getHealth();
			Duration maxAge = health.getMaxOldestPendingAge();
			if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
				throw new InvalidSafeMapPropertyException(PREFIX + "health.max-oldest-pending-age", maxAge,
						"must be a positive duration",
						"Set " + PREFIX + "health.max-oldest-pending-age to a positive duration such as 15m");
			}
			if (health.getMaxDead() < 0) {
				throw new InvalidSafeMapPropertyException(PREFIX + "health.max-dead", health.getMaxDead(),
						"must not be negative", "Set the number of dead letters tolerated, e.g. 0");
			}
			return new CompensationHealthIndicator(registry, health.getMaxOldestPendingAge(), health.getMaxDead());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientHttpRequestInterceptor.class)
	static class HttpClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdempotencyKeyInterceptor idempotencyKeyInterceptor() {
			return new IdempotencyKeyInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ExchangeFilterFunction.class)
	static class WebClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdempotencyKeyExchangeFilter idempotencyKeyExchangeFilter() {
			return new IdempotencyKeyExchangeFilter();
		}

	}

}
