package dev.safemap.autoconfigure;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.safemap.autoconfigure.ContextLeakTestSupport.AsyncHop;
import dev.safemap.autoconfigure.ContextLeakTestSupport.Prober;
import dev.safemap.autoconfigure.ContextLeakTestSupport.UserPool;
import dev.safemap.context.RequestContext;
import dev.safemap.web.SafeMapRequestContextFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 Spring MVC requests with distinct request ids against a running server: every hop
 * (request thread, {@code @Async}, a wrapped user pool with CompletableFuture, Reactor with two
 * scheduler switches) sees exactly its own request's snapshot, and no thread keeps a context
 * between tasks or requests.
 */
@SpringBootTest(classes = MvcContextLeakTests.MvcLeakApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=servlet", "server.tomcat.threads.max=16" })
class MvcContextLeakTests {

	@LocalServerPort
	int port;

	@Autowired
	ThreadPoolTaskExecutor applicationTaskExecutor;

	@Autowired
	UserPool userPool;

	@Autowired
	RequestThreadCheck requestThreadCheck;

	@Test
	void everyHopSeesOnlyItsOwnRequestAndPoolsAreEmptyBetweenTasks() throws Exception {
		try (Prober prober = new Prober(this.applicationTaskExecutor, this.userPool)) {
			prober.start();
			ContextLeakTestSupport.sendDistinctRequests(this.port, "/hops");
			prober.close();
			for (int i = 0; i < 50; i++) {
				prober.probeAllOnce();
			}
			assertThat(prober.failures).isEmpty();
			assertThat(prober.probesRun.get()).isGreaterThan(200);
		}
		assertThat(this.requestThreadCheck.failures).as("request threads entering or leaving with a context").isEmpty();
		assertThat(this.requestThreadCheck.checked.get()).isGreaterThanOrEqualTo(ContextLeakTestSupport.REQUESTS);
	}

	@Test
	void failingRequestsAlsoLeaveTheirThreadsEmpty() throws Exception {
		long before = this.requestThreadCheck.checked.get();
		java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
		for (int i = 0; i < 200; i++) {
			java.net.http.HttpResponse<String> response = http.send(
					java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + this.port + "/boom"))
						.header("X-Request-Id", "boom-" + i)
						.build(),
					java.net.http.HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(500);
		}
		assertThat(this.requestThreadCheck.failures).isEmpty();
		// each failing request passes the check once for the request and once for its error dispatch
		assertThat(this.requestThreadCheck.checked.get() - before).isGreaterThanOrEqualTo(200);
		try (Prober prober = new Prober(this.applicationTaskExecutor, this.userPool)) {
			for (int i = 0; i < 20; i++) {
				prober.probeAllOnce();
			}
			assertThat(prober.failures).isEmpty();
		}
	}

	/** Runs before the SafeMap filter: a request thread must have no context before and after it. */
	static final class RequestThreadCheck extends OncePerRequestFilter {

		final Set<String> failures = ConcurrentHashMap.newKeySet();

		final AtomicLong checked = new AtomicLong();

		@Override
		protected boolean shouldNotFilterErrorDispatch() {
			return false;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			check("entering");
			try {
				chain.doFilter(request, response);
			}
			finally {
				check("leaving");
				this.checked.incrementAndGet();
			}
		}

		private void check(String when) {
			if (!RequestContext.current().isEmpty() || MDC.get(RequestContext.REQUEST_ID) != null) {
				this.failures.add(when + " " + Thread.currentThread().getName() + " with " + RequestContext.current().requestId());
			}
		}

	}

	@RestController
	static class HopController {

		private final AsyncHop asyncHop;

		private final UserPool userPool;

		HopController(AsyncHop asyncHop, UserPool userPool) {
			this.asyncHop = asyncHop;
			this.userPool = userPool;
		}

		@GetMapping("/boom")
		String boom() {
			RequestContext.current().requestId().orElseThrow();
			throw new IllegalStateException("handler failed with a context in place");
		}

		@GetMapping("/hops")
		String hops(HttpServletRequest request) {
			RequestContext expected = (RequestContext) request.getAttribute(SafeMapRequestContextFilter.CONTEXT_ATTRIBUTE);
			return String.join(",", ContextLeakTestSupport.hops(expected, this.asyncHop, this.userPool.wrapped));
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableAsync
	@Import(HopController.class)
	static class MvcLeakApp {

		@Bean
		AsyncHop asyncHop() {
			return new AsyncHop();
		}

		@Bean
		UserPool userPool() {
			return new UserPool();
		}

		@Bean
		RequestThreadCheck requestThreadCheck() {
			return new RequestThreadCheck();
		}

		@Bean
		FilterRegistrationBean<RequestThreadCheck> requestThreadCheckRegistration(RequestThreadCheck check) {
			FilterRegistrationBean<RequestThreadCheck> registration = new FilterRegistrationBean<>(check);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setDispatcherTypes(jakarta.servlet.DispatcherType.REQUEST, jakarta.servlet.DispatcherType.ERROR);
			return registration;
		}

	}

}
