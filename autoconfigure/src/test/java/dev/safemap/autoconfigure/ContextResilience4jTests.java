package dev.safemap.autoconfigure;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.safemap.autoconfigure.context.ContextAutoConfiguration;
import dev.safemap.context.RequestContext;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import io.github.resilience4j.timelimiter.annotation.TimeLimiter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resilience4j's time limiter completes a timed-out future on its own scheduler thread, and the
 * fallback runs there: the context must be there too.
 */
class ContextResilience4jTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
				ContextAutoConfiguration.class))
		.withPropertyValues("resilience4j.timelimiter.instances.slow.timeout-duration=250ms",
				"resilience4j.timelimiter.instances.slow.cancel-running-future=true")
		.withUserConfiguration(SlowServiceConfiguration.class);

	@Test
	void timeLimiterFallbackOnTheTimeoutThreadSeesTheRequestContext() {
		this.runner.run((context) -> {
			SlowService service = context.getBean(SlowService.class);
			// warm-up: the first call loads the aspect's classes, which on a loaded machine can take
			// longer than the timeout; the fallback then runs on the calling thread and proves nothing
			service.call().get(5, TimeUnit.SECONDS);
			for (int i = 0; i < 3; i++) {
				RequestContext request = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "tl-" + i));
				String seen;
				try (RequestContext.Scope scope = request.open()) {
					seen = service.call().get(5, TimeUnit.SECONDS);
				}
				assertThat(seen).isEqualTo("fallback tl-" + i + " on a time-limiter thread");
			}
		});
	}

	@Test
	void withoutThePropagatorTheFallbackSeesNoContext() {
		// negative control: the test above passes because of RequestContextPropagator
		this.runner.withPropertyValues("safemap.context.propagation.resilience4j=false").run((context) -> {
			SlowService service = context.getBean(SlowService.class);
			service.call().get(5, TimeUnit.SECONDS); // warm-up, as above
			try (RequestContext.Scope scope = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "tl")).open()) {
				assertThat(service.call().get(5, TimeUnit.SECONDS)).startsWith("fallback none");
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowServiceConfiguration {

		@Bean
		SlowService slowService() {
			return new SlowService();
		}

	}

	static class SlowService {

		private final Thread caller = Thread.currentThread();

		@TimeLimiter(name = "slow", fallbackMethod = "fallback")
		public CompletableFuture<String> call() {
			return new CompletableFuture<>(); // never completes: the time limiter times out
		}

		public CompletableFuture<String> fallback(Throwable failure) {
			String where = (Thread.currentThread() != this.caller && !Thread.currentThread().getName().startsWith("main"))
					? "a time-limiter thread" : Thread.currentThread().getName();
			return CompletableFuture.completedFuture(
					"fallback " + RequestContext.current().requestId().orElse("none") + " on " + where);
		}

	}

}
