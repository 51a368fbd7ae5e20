package dev.safemap.autoconfigure;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.FallbackContext;
import dev.safemap.breaker.FallbackResult;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code @FallbackCached} over real HTTP: a JDK HTTP server plays the downstream, a RestClient
 * calls it, the test switches the downstream between healthy, slow and failing.
 */
class FallbackCachedHttpTests {

	private DownstreamStub downstream;

	private ApplicationContextRunner runner;

	private FallbackContext.Scope scope;

	@BeforeEach
	void start() throws Exception {
		this.downstream = new DownstreamStub();
		this.downstream.answer("ACME", "100");
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
					TimeLimiterAutoConfiguration.class, BreakerAutoConfiguration.class))
			.withBean(PriceClient.class, () -> new PriceClient(this.downstream.baseUrl()))
			.withPropertyValues("resilience4j.circuitbreaker.instances.prices.sliding-window-size=4",
					"resilience4j.circuitbreaker.instances.prices.minimum-number-of-calls=4",
					"resilience4j.circuitbreaker.instances.prices.failure-rate-threshold=50",
					"resilience4j.circuitbreaker.instances.prices.wait-duration-in-open-state=2s",
					"resilience4j.circuitbreaker.instances.prices.permitted-number-of-calls-in-half-open-state=2",
					"resilience4j.timelimiter.instances.async-prices.timeout-duration=1s",
					"resilience4j.timelimiter.instances.mono-prices.timeout-duration=1s",
					"safemap.breaker.caches.quotes.refresh-after=1m",
					"safemap.breaker.caches.quotes.wait-timeout=10s",
					"safemap.breaker.caches.refreshing-quotes.refresh-after=300ms",
					"safemap.breaker.caches.refreshing-quotes.max-staleness=1m");
		this.scope = FallbackContext.open();
	}

	@AfterEach
	void stop() {
		this.scope.close();
		this.downstream.close();
	}

	@Test
	void fallbackIsServedWhenDownstreamFails() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.price("ACME")).isEqualTo("100");
			assertThat(FallbackContext.lastAnswer().source()).isEqualTo(FallbackResult.Source.FRESH);
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThat(client.price("ACME")).isEqualTo("100");
			FallbackResult<?> last = FallbackContext.lastAnswer();
			assertThat(last.source()).isEqualTo(FallbackResult.Source.FALLBACK_AFTER_FAILURE);
			assertThat(last.failure()).isInstanceOf(HttpServerErrorException.class);
		});
	}

	@Test
	void originalExceptionIsRethrownWhenNothingIsStored() {
		this.runner.run((context) -> {
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThatExceptionOfType(HttpServerErrorException.InternalServerError.class)
				.isThrownBy(() -> context.getBean(PriceClient.class).price("ACME"));
		});
	}

	@Test
	void fallbackIsServedWhenDownstreamTimesOut() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.price("ACME")).isEqualTo("100");
			this.downstream.latency(Duration.ofSeconds(4));
			assertThat(client.price("ACME")).isEqualTo("100");
			assertThat(FallbackContext.lastAnswer().isFallback()).isTrue();
			assertThat(FallbackContext.lastAnswer().failure()).isInstanceOf(ResourceAccessException.class)
				.hasRootCauseInstanceOf(HttpTimeoutException.class);
		});
	}

	@Test
	void circuitOpensFallbacksAreServedWithoutCallsAndFreshValuesReturnAfterRecovery() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			CircuitBreaker breaker = context.getBean(FallbackCaches.class).cache("prices").circuitBreaker();
			assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(4);
			assertThat(client.price("ACME")).isEqualTo("100");
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			for (int i = 0; i < 3; i++) {
				assertThat(client.price("ACME")).isEqualTo("100");
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			int callsWhenOpened = this.downstream.calls();
			for (int i = 0; i < 20; i++) {
				assertThat(client.price("ACME")).isEqualTo("100");
			}
			assertThat(FallbackContext.lastAnswer().source()).isEqualTo(FallbackResult.Source.FALLBACK_CIRCUIT_OPEN);
			assertThat(this.downstream.calls()).isEqualTo(callsWhenOpened);
			// the downstream comes back with a new price: the breaker half-opens, closes, and the fresh value wins
			// (the open state lasts 2 s, so that a slow machine cannot reach half-open during the 20 calls above)
			this.downstream.answer("ACME", "101");
			this.downstream.mode(DownstreamStub.Mode.HEALTHY);
			await().atMost(Duration.ofSeconds(10)).until(() -> "101".equals(client.price("ACME")));
			assertThat(client.price("ACME")).isEqualTo("101");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThat(client.price("ACME")).isEqualTo("101");
		});
	}

	@Test
	void emptyAnswerIsNeverCached() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.price("EMPTY")).isNull();
			assertThat(client.findPrice("EMPTY")).isEmpty();
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> client.price("EMPTY"));
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> client.findPrice("EMPTY"));
			assertThat(context.getBean(FallbackCaches.class).cache("prices").stats().valuesRejected()).isEqualTo(2);
		});
	}

	@Test
	void optionalReturnTypeIsServedFromFallback() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.findPrice("ACME")).contains("100");
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThat(client.findPrice("ACME")).isEqualTo(Optional.of("100"));
			assertThat(FallbackContext.lastAnswer().isFallback()).isTrue();
		});
	}

	@Test
	void invalidatedEntryIsNotServed() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.price("ACME")).isEqualTo("100");
			context.getBean(FallbackCaches.class).cache("prices").invalidate("ACME");
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> client.price("ACME"));
		});
	}

	@Test
	void completableFutureIsLimitedByTheTimeLimiterAndFallsBack() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.priceAsync("ACME").get(5, TimeUnit.SECONDS)).isEqualTo("100");
			this.downstream.latency(Duration.ofSeconds(4));
			// the downstream answers only after 4 s: a fallback (counted below) can only come from the 1 s time
			// limiter. No elapsed-time bound: on a starved machine it would measure the machine, not the limiter
			assertThat(client.priceAsync("ACME").get(5, TimeUnit.SECONDS)).isEqualTo("100");
			FallbackCache<Object, Object> cache = context.getBean(FallbackCaches.class).cache("async-prices");
			assertThat(cache.stats().fallbacks()).isEqualTo(1);
		});
	}

	@Test
	void monoFallsBackOnFailureAndOnOpenCircuit() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.priceMono("ACME").block(Duration.ofSeconds(5))).isEqualTo("100");
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThat(client.priceMono("ACME").block(Duration.ofSeconds(5))).isEqualTo("100");
			FallbackCache<Object, Object> cache = context.getBean(FallbackCaches.class).cache("mono-prices");
			cache.circuitBreaker().transitionToOpenState();
			int calls = this.downstream.calls();
			assertThat(client.priceMono("ACME").block(Duration.ofSeconds(5))).isEqualTo("100");
			assertThat(this.downstream.calls()).isEqualTo(calls);
			assertThat(cache.stats().fallbacks()).isEqualTo(2);
			cache.circuitBreaker().transitionToClosedState();
			this.downstream.mode(DownstreamStub.Mode.HEALTHY);
			assertThat(client.priceMono("EMPTY").blockOptional(Duration.ofSeconds(5))).isEmpty();
			this.downstream.mode(DownstreamStub.Mode.FAILING);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> client.priceMono("EMPTY").block(Duration.ofSeconds(5)))
				.withMessageContaining("500");
		});
	}

	@Test
	void monoWithoutStoredValueFailsWithTheOriginalException() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			context.getBean(FallbackCaches.class).cache("mono-prices").circuitBreaker().transitionToOpenState();
			assertThatExceptionOfType(CallNotPermittedException.class)
				.isThrownBy(() -> client.priceMono("ACME").block(Duration.ofSeconds(5)));
		});
	}

	@Test
	void staleValueIsServedAtOnceAndRefreshedInTheBackgroundThroughTheAspect() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			assertThat(client.refreshingQuote("ACME")).isEqualTo("100");
			assertThat(client.refreshingQuote("ACME")).isEqualTo("100");
			assertThat(FallbackContext.lastAnswer().source()).isEqualTo(FallbackResult.Source.HIT);
			assertThat(this.downstream.calls()).isEqualTo(1);
			this.downstream.answer("ACME", "101");
			Thread.sleep(400);
			assertThat(client.refreshingQuote("ACME")).isEqualTo("100");
			assertThat(FallbackContext.lastAnswer().source())
				.isEqualTo(FallbackResult.Source.STALE_WHILE_REFRESHING);
			// the refresh calls the annotated method again, on a safemap-breaker thread
			await().atMost(Duration.ofSeconds(5)).until(() -> "101".equals(client.refreshingQuote("ACME")));
			// one refresh, or two if the machine was slow enough for "101" to age past 300 ms while polling
			assertThat(this.downstream.calls()).isBetween(2, 3);
		});
	}

	@Test
	void hundredConcurrentMissesMakeOneDownstreamCall() {
		this.runner.run((context) -> {
			PriceClient client = context.getBean(PriceClient.class);
			this.downstream.latency(Duration.ofMillis(400));
			int callers = 100;
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService pool = Executors.newFixedThreadPool(callers);
			try {
				List<Future<String>> answers = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					answers.add(pool.submit(() -> {
						start.await();
						return client.quote("ACME");
					}));
				}
				start.countDown();
				for (Future<String> answer : answers) {
					assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("100");
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(this.downstream.calls()).isEqualTo(1);
		});
	}

	@Test
	void closingTheContextStopsTheBreakerThreads() {
		this.runner.run((context) -> {
			context.getBean(PriceClient.class).priceAsync("ACME").get(5, TimeUnit.SECONDS);
			assertThat(breakerThreads()).isNotEmpty();
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> breakerThreads().isEmpty());
	}

	private static List<Thread> breakerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("safemap-breaker-") && thread.isAlive())
			.toList();
	}

}
