package dev.safemap.autoconfigure.context;

import java.util.List;
import java.util.function.Supplier;

import dev.safemap.actuate.context.ContextViolationMetrics;
import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextCustomizer;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.context.RequestContextPropagator;
import dev.safemap.context.RequestContextViolationListener;
import dev.safemap.context.SafeMapContext;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.web.RequestContextFactory;
import dev.safemap.web.SafeMapRequestContextFilter;
import dev.safemap.web.SafeMapRequestContextWebFilter;
import io.github.resilience4j.core.ContextAwareScheduledThreadPoolExecutor;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;

/**
 * Auto-configuration of the request context: builds an immutable {@link RequestContext} for each
 * web request (servlet filter for Spring MVC, WebFilter for WebFlux) and propagates it through
 * Micrometer context-propagation to Spring's task executor and scheduler ({@code @Async}), Reactor
 * (automatic context propagation) and Resilience4j's time limiter.
 * <p>
 * Switch it off with {@code safemap.context.enabled=false}; see {@link SafeMapContextProperties}.
 * <p>
 * Thread-safety: a configuration class, used by Spring at startup only; the beans it defines are
 * thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class },
		afterName = "io.github.resilience4j.springboot.scheduled.threadpool.autoconfigure.ContextAwareScheduledThreadPoolAutoConfiguration",
		beforeName = "io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration")
@ConditionalOnClass(RequestContext.class)
@ConditionalOnBooleanProperty(name = "safemap.context.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SafeMapContextProperties.class)
public final class ContextAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ContextAutoConfiguration.class);

	private static final String PREFIX = "safemap.context.";

	private static final String SENSITIVE_HEADER_WARNING = "safemap.context.headers lists '{}', a credential header: "
			+ "it is never copied into the request context. Remove it from the list.";

	private static final String NO_CONTEXT_PROPAGATION = "io.micrometer:context-propagation is not on the classpath: "
			+ "the SafeMap request context is available on the request thread only and does not follow "
			+ "@Async, executors or Reactor. Add io.micrometer:context-propagation to propagate it.";

	@Bean
	@ConditionalOnMissingBean
	RequestContextFactory safeMapRequestContextFactory(SafeMapContextProperties properties,
			ObjectProvider<RequestContextViolationListener> violationListener,
			ObjectProvider<RequestContextCustomizer> customizers) {
		RequestContextFactory.Builder builder = RequestContextFactory.builder()
			.policy(policy(properties, violationListener.getIfAvailable(() -> RequestContextViolationListener.NONE)))
			.generateRequestId(properties.isGenerateRequestId());
		// the rules live in the core policy builder and the factory's builder; each property is applied by name
		String requestIdHeader = properties.getRequestIdHeader();
		apply("request-id-header", requestIdHeader, "use a header such as X-Request-Id",
				() -> builder.requestIdHeader(requestIdHeader));
		List<String> headers = properties.getHeaders();
		for (int i = 0; i < headers.size(); i++) {
			String header = headers.get(i);
			apply("headers[" + i + "]", header, "use a header name such as X-Tenant-Id", () -> builder.header(header));
			if (RequestContextPolicy.isSensitive(header)) {
				logger.warn(SENSITIVE_HEADER_WARNING, header);
			}
		}
		customizers.orderedStream().forEach(builder::customizer);
		return builder.build();
	}

	private static RequestContextPolicy policy(SafeMapContextProperties properties,
			RequestContextViolationListener violationListener) {
		RequestContextPolicy.Builder builder = RequestContextPolicy.builder().violationListener(violationListener);
		apply("max-entries", properties.getMaxEntries(), limitFix(RequestContextPolicy.MAX_ENTRIES_LIMIT),
				() -> builder.maxEntries(properties.getMaxEntries()));
		apply("max-key-length", properties.getMaxKeyLength(), limitFix(RequestContextPolicy.MAX_KEY_LENGTH_LIMIT),
				() -> builder.maxKeyLength(properties.getMaxKeyLength()));
		apply("max-value-length", properties.getMaxValueLength(),
				limitFix(RequestContextPolicy.MAX_VALUE_LENGTH_LIMIT),
				() -> builder.maxValueLength(properties.getMaxValueLength()));
		apply("mdc-keys", properties.getMdcKeys(), "list context keys such as requestId or x-tenant-id",
				() -> builder.mdcKeys(properties.getMdcKeys()));
		return builder.build();
	}

	private static String limitFix(int max) {
		return "set a value from 1 to " + max + " or remove the property to use the default";
	}

	private static void apply(String property, @Nullable Object value, String action, Supplier<?> apply) {
		InvalidSafeMapPropertyException.apply(PREFIX + property, value, action, apply);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.context.ContextRegistry")
	static class NoPropagationConfiguration {

		NoPropagationConfiguration() {
			logger.warn(NO_CONTEXT_PROPAGATION);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(RequestContextViolationListener.class)
		ContextViolationMetrics safeMapContextViolationMetrics(ObjectProvider<MeterRegistry> registry) {
			return new ContextViolationMetrics(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ OncePerRequestFilter.class, FilterRegistrationBean.class })
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingFilterBean(SafeMapRequestContextFilter.class)
		FilterRegistrationBean<SafeMapRequestContextFilter> safeMapRequestContextFilter(RequestContextFactory factory,
				SafeMapContextProperties properties) {
			FilterRegistrationBean<SafeMapRequestContextFilter> registration = new FilterRegistrationBean<>(
					new SafeMapRequestContextFilter(factory, properties.isEchoRequestId()));
			registration.setOrder(properties.getFilterOrder());
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Hooks.class })
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SafeMapRequestContextWebFilter safeMapRequestContextWebFilter(RequestContextFactory factory,
				SafeMapContextProperties properties) {
			return new SafeMapRequestContextWebFilter(factory, properties.isEchoRequestId(), properties.getFilterOrder());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ContextRegistry.class)
	static class PropagationConfiguration {

		/** Registers the one accessor in the global registry used by Spring, Reactor and the helpers. */
		@Bean
		@ConditionalOnMissingBean
		RequestContextAccessor safeMapRequestContextAccessor() {
			SafeMapContext.register(ContextRegistry.getInstance());
			return new RequestContextAccessor();
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ ContextPropagatingTaskDecorator.class, ContextSnapshot.class })
		@ConditionalOnBooleanProperty(name = "safemap.context.propagation.task-executors", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "spring.task.execution.propagate-context", havingValue = false,
				matchIfMissing = true)
		static class TaskExecutorPropagationConfiguration {

			/**
			 * Boot 4 applies every TaskDecorator bean (composed) to its applicationTaskExecutor and
			 * taskScheduler; this one captures a snapshot per task and clears what is missing.
			 */
			@Bean
			@ConditionalOnMissingBean(ContextPropagatingTaskDecorator.class)
			ContextPropagatingTaskDecorator safeMapContextPropagatingTaskDecorator(RequestContextAccessor accessor) {
				return new ContextPropagatingTaskDecorator(SafeMapContext.snapshotFactory());
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Hooks.class)
		@ConditionalOnBooleanProperty(name = "safemap.context.propagation.reactor", matchIfMissing = true)
		static class ReactorPropagationConfiguration {

			ReactorPropagationConfiguration() {
				// JVM-wide and idempotent, as in Boot's own ReactorAutoConfiguration; applies to new subscriptions
				Hooks.enableAutomaticContextPropagation();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(value = ContextAwareScheduledThreadPoolExecutor.class,
				name = { "io.github.resilience4j.spring6.timelimiter.configure.TimeLimiterAspect",
						"org.aspectj.lang.ProceedingJoinPoint" })
		@ConditionalOnBooleanProperty(name = "safemap.context.propagation.resilience4j", matchIfMissing = true)
		static class Resilience4jPropagationConfiguration {

			/**
			 * Used by Resilience4j's time limiter aspect for its timeouts (and the fallbacks that run
			 * on them); backs off when the application configures resilience4j.scheduled.executor.
			 */
			@Bean(destroyMethod = "shutdownNow")
			@ConditionalOnMissingBean
			ContextAwareScheduledThreadPoolExecutor safeMapContextAwareScheduledThreadPool() {
				return ContextAwareScheduledThreadPoolExecutor.newScheduledThreadPool()
					.corePoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
					.contextPropagators(new RequestContextPropagator())
					.build();
			}

		}

	}

}
