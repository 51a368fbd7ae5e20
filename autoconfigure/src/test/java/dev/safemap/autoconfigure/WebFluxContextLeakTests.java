package dev.safemap.autoconfigure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.safemap.autoconfigure.ContextLeakTestSupport.AsyncHop;
import dev.safemap.autoconfigure.ContextLeakTestSupport.Prober;
import dev.safemap.autoconfigure.ContextLeakTestSupport.UserPool;
import dev.safemap.context.RequestContext;
import dev.safemap.web.SafeMapRequestContextWebFilter;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebFlux variant of {@link MvcContextLeakTests}: the WebFilter writes the context into the
 * Reactor Context, and automatic context propagation restores it on every scheduler; the same hops,
 * the same checks, and event-loop threads carry no context outside a request's signals.
 */
@SpringBootTest(classes = WebFluxContextLeakTests.WebFluxLeakApp.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive" })
class WebFluxContextLeakTests {

	@LocalServerPort
	int port;

	@Autowired
	ThreadPoolTaskExecutor applicationTaskExecutor;

	@Autowired
	UserPool userPool;

	@Autowired
	EventLoopCheck eventLoopCheck;

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
		assertThat(this.eventLoopCheck.failures).as("event-loop threads entering a request with a context").isEmpty();
		assertThat(this.eventLoopCheck.checked.get()).isGreaterThanOrEqualTo(ContextLeakTestSupport.REQUESTS);
	}

	/** Runs before the SafeMap WebFilter: the thread must carry no context when a request arrives. */
	static final class EventLoopCheck implements WebFilter, Ordered {

		final Set<String> failures = ConcurrentHashMap.newKeySet();

		final AtomicLong checked = new AtomicLong();

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			if (!RequestContext.current().isEmpty() || MDC.get(RequestContext.REQUEST_ID) != null) {
				this.failures.add(Thread.currentThread().getName() + " with " + RequestContext.current().requestId());
			}
			this.checked.incrementAndGet();
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
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

		@GetMapping("/hops")
		Mono<String> hops(ServerWebExchange exchange) {
			RequestContext expected = exchange.getAttribute(SafeMapRequestContextWebFilter.CONTEXT_ATTRIBUTE);
			// the blocking hops run on boundedElastic, reached by a scheduler switch
			return Mono.just(1)
				.publishOn(Schedulers.boundedElastic())
				.map((ignored) -> String.join(",", ContextLeakTestSupport.hops(expected, this.asyncHop, this.userPool.wrapped)))
				.publishOn(Schedulers.parallel())
				.map((hops) -> {
					String here = ContextLeakTestSupport.seen(expected);
					return hops.startsWith(here) ? hops : here + "!=" + hops;
				});
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableAsync
	@Import(HopController.class)
	static class WebFluxLeakApp {

		@Bean
		AsyncHop asyncHop() {
			return new AsyncHop();
		}

		@Bean
		UserPool userPool() {
			return new UserPool();
		}

		@Bean
		EventLoopCheck eventLoopCheck() {
			return new EventLoopCheck();
		}

	}

}
