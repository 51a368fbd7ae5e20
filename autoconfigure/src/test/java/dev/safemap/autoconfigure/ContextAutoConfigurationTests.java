package dev.safemap.autoconfigure;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.safemap.actuate.context.ContextViolationMetrics;
import dev.safemap.autoconfigure.context.ContextAutoConfiguration;
import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextCustomizer;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.context.RequestContextViolationListener;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.InvalidSafeMapPropertyFailureAnalyzer;
import dev.safemap.web.RequestContextFactory;
import dev.safemap.web.SafeMapRequestContextFilter;
import dev.safemap.web.SafeMapRequestContextWebFilter;
import io.github.resilience4j.core.ContextAwareScheduledThreadPoolExecutor;
import io.micrometer.context.ContextRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ContextAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ContextAutoConfiguration.class));

	private final ApplicationContextRunner taskRunner = this.runner.withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class));

	@Test
	void defaultsRegisterFactoryAccessorDecoratorAndMetrics() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RequestContextFactory.class)
				.hasSingleBean(RequestContextAccessor.class)
				.hasSingleBean(ContextPropagatingTaskDecorator.class)
				.hasSingleBean(ContextViolationMetrics.class)
				.hasSingleBean(ContextAwareScheduledThreadPoolExecutor.class)
				.doesNotHaveBean(FilterRegistrationBean.class)
				.doesNotHaveBean(SafeMapRequestContextWebFilter.class);
			assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
				.filteredOn((accessor) -> RequestContextAccessor.KEY.equals(accessor.key()))
				.hasSize(1);
			RequestContextFactory factory = context.getBean(RequestContextFactory.class);
			assertThat(factory.headerNames()).containsExactly("X-Tenant-Id", "traceparent", "Accept-Language");
			assertThat(factory.policy().mdcKeys()).containsExactly("requestId", "x-tenant-id");
			assertThat(factory.policy().maxEntries()).isEqualTo(RequestContextPolicy.DEFAULT_MAX_ENTRIES);
			assertThat(factory.policy().maxKeyLength()).isEqualTo(RequestContextPolicy.DEFAULT_MAX_KEY_LENGTH);
			assertThat(factory.policy().maxValueLength()).isEqualTo(RequestContextPolicy.DEFAULT_MAX_VALUE_LENGTH);
		});
	}

	@Test
	void anEmptyMdcKeyListTurnsMdcMirroringOff() {
		this.runner.withPropertyValues("safemap.context.mdc-keys=").run((context) -> {
			RequestContextFactory factory = context.getBean(RequestContextFactory.class);
			assertThat(factory.policy().mdcKeys()).isEmpty();
			RequestContext request = RequestContext.builder(factory.policy()).put("requestId", "r-1").build();
			RequestContext.runWith(request, () -> {
				assertThat(RequestContext.current().get("requestId")).contains("r-1");
				assertThat(org.slf4j.MDC.get("requestId")).isNull();
			});
		});
	}

	@Test
	void servletApplicationGetsTheFilterForRequestAsyncAndErrorDispatches() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ContextAutoConfiguration.class))
			.withPropertyValues("safemap.context.filter-order=5")
			.run((context) -> {
				assertThat(context).hasSingleBean(FilterRegistrationBean.class).doesNotHaveBean(SafeMapRequestContextWebFilter.class);
				FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isInstanceOf(SafeMapRequestContextFilter.class);
				assertThat(registration.getOrder()).isEqualTo(5);
			});
	}

	@Test
	void reactiveApplicationGetsTheWebFilter() {
		new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ContextAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(SafeMapRequestContextWebFilter.class)
				.doesNotHaveBean(FilterRegistrationBean.class));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("safemap.context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestContextFactory.class)
				.doesNotHaveBean(RequestContextAccessor.class)
				.doesNotHaveBean(ContextPropagatingTaskDecorator.class));
	}

	@Test
	void propagationSwitchesTurnOffTheirPart() {
		this.runner
			.withPropertyValues("safemap.context.propagation.task-executors=false",
					"safemap.context.propagation.resilience4j=false")
			.run((context) -> assertThat(context).hasSingleBean(RequestContextFactory.class)
				.doesNotHaveBean(ContextPropagatingTaskDecorator.class)
				.doesNotHaveBean(ContextAwareScheduledThreadPoolExecutor.class));
	}

	@Test
	void backsOffFromUserBeans() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(ContextPropagatingTaskDecorator.class).hasBean("userDecorator");
			assertThat(context).hasSingleBean(RequestContextViolationListener.class).hasBean("userListener")
				.doesNotHaveBean(ContextViolationMetrics.class);
			assertThat(context).hasSingleBean(ContextAwareScheduledThreadPoolExecutor.class).hasBean("userPool");
		});
	}

	@Test
	void bootsOwnPropagateContextPropertyLeavesExactlyOneDecorator() {
		this.taskRunner.withPropertyValues("spring.task.execution.propagate-context=true")
			.withUserConfiguration(AsyncBeans.class)
			.run((context) -> {
				assertThat(context).getBeans(TaskDecorator.class).hasSize(1);
				assertThat(context).doesNotHaveBean("safeMapContextPropagatingTaskDecorator");
				assertAsyncHopSeesTheSameContext(context.getBean(AsyncBeans.Worker.class));
			});
	}

	@Test
	void asyncMethodsAndTheTaskSchedulerReceiveTheContextWithoutUserCode() {
		this.taskRunner.withUserConfiguration(AsyncBeans.class).run((context) -> {
			assertThat(context).getBeans(TaskDecorator.class).containsOnlyKeys("safeMapContextPropagatingTaskDecorator");
			assertAsyncHopSeesTheSameContext(context.getBean(AsyncBeans.Worker.class));
			TaskScheduler scheduler = context.getBean(TaskScheduler.class);
			assertThat(scheduler).isInstanceOf(ThreadPoolTaskScheduler.class);
			RequestContext request = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "scheduled"));
			CompletableFuture<RequestContext> seen = new CompletableFuture<>();
			try (RequestContext.Scope scope = request.open()) {
				scheduler.schedule(() -> seen.complete(RequestContext.current()), java.time.Instant.now().plusMillis(20));
			}
			assertThat(seen.get(5, TimeUnit.SECONDS)).isSameAs(request);
			CompletableFuture<Boolean> empty = new CompletableFuture<>();
			scheduler.schedule(() -> empty.complete(RequestContext.current().isEmpty()), java.time.Instant.now());
			assertThat(empty.get(5, TimeUnit.SECONDS)).isTrue();
		});
	}

	@Test
	void withoutTheDecoratorAsyncMethodsDoNotSeeTheContext() {
		// negative control: proves that the test above passes because of the decorator
		this.taskRunner.withPropertyValues("safemap.context.propagation.task-executors=false")
			.withUserConfiguration(AsyncBeans.class)
			.run((context) -> {
				AsyncBeans.Worker worker = context.getBean(AsyncBeans.Worker.class);
				try (RequestContext.Scope scope = RequestContext.of(Map.of("a", "1")).open()) {
					assertThat(worker.current().get(5, TimeUnit.SECONDS).isEmpty()).isTrue();
				}
			});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void asyncMethodsOnVirtualThreadsReceiveTheContext() {
		this.taskRunner.withPropertyValues("spring.threads.virtual.enabled=true")
			.withUserConfiguration(AsyncBeans.class)
			.run((context) -> {
				AsyncBeans.Worker worker = context.getBean(AsyncBeans.Worker.class);
				RequestContext request = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "virtual"));
				try (RequestContext.Scope scope = request.open()) {
					assertThat(worker.current().get(5, TimeUnit.SECONDS)).isSameAs(request);
					assertThat(isVirtual(worker.thread().get(5, TimeUnit.SECONDS))).isTrue();
				}
			});
	}

	private static boolean isVirtual(Thread thread) throws Exception {
		Method isVirtual = Thread.class.getMethod("isVirtual");
		return (boolean) isVirtual.invoke(thread);
	}

	private static void assertAsyncHopSeesTheSameContext(AsyncBeans.Worker worker) throws Exception {
		for (int i = 0; i < 20; i++) {
			RequestContext request = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "r" + i));
			try (RequestContext.Scope scope = request.open()) {
				assertThat(worker.current().get(5, TimeUnit.SECONDS)).isSameAs(request);
			}
		}
		assertThat(worker.current().get(5, TimeUnit.SECONDS).isEmpty()).isTrue();
	}

	@Test
	void withoutContextPropagationTheFiltersStillWorkAndAWarningSaysSo(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(ContextRegistry.class)).run((context) -> {
			assertThat(context).hasSingleBean(RequestContextFactory.class)
				.doesNotHaveBean(RequestContextAccessor.class)
				.doesNotHaveBean(ContextPropagatingTaskDecorator.class);
			assertThat(output).contains("io.micrometer:context-propagation is not on the classpath");
		});
	}

	@Test
	void withoutMicrometerThereIsNoMetricsListener() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(RequestContextFactory.class)
				.doesNotHaveBean(ContextViolationMetrics.class));
	}

	@Test
	void violationsAreCountedWhenMicrometerIsPresent() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("safemap.context.max-entries=2", "safemap.context.max-value-length=4")
			.run((context) -> {
				RequestContextFactory factory = context.getBean(RequestContextFactory.class);
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.addHeader("X-Request-Id", "123456789");
				request.addHeader("X-Tenant-Id", "t1");
				request.addHeader("traceparent", "00-abc");
				RequestContext built = factory.create(new TestIncomingRequest(request));
				assertThat(built.asMap()).containsExactly(Map.entry(RequestContext.REQUEST_ID, "1234"),
						Map.entry("x-tenant-id", "t1"));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(ContextViolationMetrics.METER_NAME).tag("violation", "value_truncated").counter().count())
					.isEqualTo(1);
				assertThat(registry.get(ContextViolationMetrics.METER_NAME).tag("violation", "too_many_entries").counter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void customizersAddValuesInOrderAfterHeaders() {
		this.runner.withUserConfiguration(Customizers.class).run((context) -> {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders");
			request.setUserPrincipal(() -> "alice");
			request.addHeader("X-Tenant-Id", "acme");
			RequestContext built = context.getBean(RequestContextFactory.class).create(new TestIncomingRequest(request));
			assertThat(built.get("user")).hasValue("alice");
			assertThat(built.get("route")).hasValue("GET /orders by alice");
			assertThat(built.get("x-tenant-id")).hasValue("acme");
			assertThat(built.requestId()).get().asString().hasSize(36);
		});
	}

	@Test
	void negativeLimitFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("safemap.context.max-entries=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(propertyFailure(context.getStartupFailure()))
				.isInstanceOf(InvalidSafeMapPropertyException.class)
				.hasMessageContaining("safemap.context.max-entries")
				.hasMessageContaining("-1")
				.hasCauseInstanceOf(IllegalArgumentException.class);
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("safemap.context.max-entries").contains("-1");
		});
		this.runner.withPropertyValues("safemap.context.max-value-length=0")
			.run((context) -> assertThat(propertyFailure(context.getStartupFailure()))
				.hasMessageContaining("safemap.context.max-value-length"));
	}

	@Test
	void headerNameThatIsNotATokenFailsStartup() {
		this.runner.withPropertyValues("safemap.context.headers[0]=X-Request-Id", "safemap.context.headers[1]=X Tenant: 1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(propertyFailure(context.getStartupFailure()))
					.isInstanceOf(InvalidSafeMapPropertyException.class)
					.hasMessageContaining("safemap.context.headers[1]")
					.hasMessageContaining("X Tenant: 1");
				FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("X-Tenant-Id");
			});
		this.runner.withPropertyValues("safemap.context.request-id-header=Bad(Header)")
			.run((context) -> assertThat(propertyFailure(context.getStartupFailure()))
				.hasMessageContaining("safemap.context.request-id-header"));
		this.runner.withPropertyValues("safemap.context.mdc-keys=requestId,Cookie")
			.run((context) -> assertThat(propertyFailure(context.getStartupFailure()))
				.hasMessageContaining("safemap.context.mdc-keys"));
	}

	@Test
	void credentialHeadersAreIgnoredWithAStartupWarning(CapturedOutput output) {
		this.runner.withPropertyValues("safemap.context.headers=X-Tenant-Id,Authorization,cookie,Proxy-Authorization,Set-Cookie")
			.run((context) -> {
				RequestContextFactory factory = context.getBean(RequestContextFactory.class);
				assertThat(factory.headerNames()).containsExactly("X-Tenant-Id");
				assertThat(output).contains("safemap.context.headers lists 'Authorization'")
					.contains("lists 'cookie'")
					.contains("lists 'Proxy-Authorization'")
					.contains("lists 'Set-Cookie'");
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.addHeader("Authorization", "Bearer secret");
				request.addHeader("Cookie", "SESSION=secret");
				request.addHeader("X-Tenant-Id", "acme");
				RequestContext built = factory.create(new TestIncomingRequest(request));
				assertThat(built.asMap()).containsOnlyKeys(RequestContext.REQUEST_ID, "x-tenant-id");
				assertThat(built.asMap().values()).noneMatch((value) -> value.contains("secret"));
			});
	}

	@Test
	void hostileRequestIdIsBoundedAndCleanedAndBlankOneIsReplaced() {
		this.runner.run((context) -> {
			RequestContextFactory factory = context.getBean(RequestContextFactory.class);
			MockHttpServletRequest hostile = new MockHttpServletRequest();
			hostile.addHeader("X-Request-Id", "abc\r\nX-Injected: 1" + "x".repeat(10_000));
			RequestContext built = factory.create(new TestIncomingRequest(hostile));
			assertThat(built.requestId()).get().asString().startsWith("abcX-Injected: 1").hasSize(256).doesNotContain("\n");
			MockHttpServletRequest blank = new MockHttpServletRequest();
			blank.addHeader("X-Request-Id", "\r\n");
			assertThat(factory.create(new TestIncomingRequest(blank)).requestId()).get().asString().hasSize(36);
		});
	}

	/**
	 * The property failure in the cause chain: it wraps the core's IllegalArgumentException that rejected the
	 * value, so it is not the root cause.
	 */
	private static Throwable propertyFailure(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable current = failure;
		while (current != null && !(current instanceof InvalidSafeMapPropertyException)) {
			current = current.getCause();
		}
		assertThat(current).as("property failure in %s", failure).isInstanceOf(InvalidSafeMapPropertyException.class);
		return current;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		ContextPropagatingTaskDecorator userDecorator() {
			return new ContextPropagatingTaskDecorator();
		}

		@Bean
		RequestContextViolationListener userListener() {
			return RequestContextViolationListener.NONE;
		}

		@Bean(destroyMethod = "shutdownNow")
		ContextAwareScheduledThreadPoolExecutor userPool() {
			return ContextAwareScheduledThreadPoolExecutor.newScheduledThreadPool().corePoolSize(1).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@Order(2)
		RequestContextCustomizer route() {
			return (context, request) -> context.put("route",
					request.method() + " " + request.path() + " by " + context.build().get("user").orElse("?"));
		}

		@Bean
		@Order(1)
		RequestContextCustomizer user() {
			return (context, request) -> {
				if (request.principal() != null) {
					context.put("user", request.principal().getName());
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	@EnableScheduling
	static class AsyncBeans {

		@Bean
		Worker worker() {
			return new Worker();
		}

		static class Worker {

			@Async
			CompletableFuture<RequestContext> current() {
				return CompletableFuture.completedFuture(RequestContext.current());
			}

			@Async
			CompletableFuture<Thread> thread() {
				return CompletableFuture.completedFuture(Thread.currentThread());
			}

		}

	}

	record TestIncomingRequest(MockHttpServletRequest request) implements RequestContextCustomizer.IncomingRequest {

		@Override
		public String header(String name) {
			return this.request.getHeader(name);
		}

		@Override
		public String method() {
			return this.request.getMethod();
		}

		@Override
		public String path() {
			return this.request.getRequestURI();
		}

		@Override
		public java.security.Principal principal() {
			return this.request.getUserPrincipal();
		}

	}

}
