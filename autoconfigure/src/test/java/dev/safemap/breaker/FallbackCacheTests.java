package dev.safemap.breaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FallbackCacheTests {

	private final MutableClock clock = new MutableClock();

	private final ConcurrentHashMap<Object, StoredValue<Object>> storage = new ConcurrentHashMap<>();

	private final CircuitBreaker breaker = CircuitBreaker.of("prices", CircuitBreakerConfig.custom()
		.slidingWindowSize(4)
		.minimumNumberOfCalls(4)
		.failureRateThreshold(50)
		.waitDurationInOpenState(Duration.ofMillis(200))
		.permittedNumberOfCallsInHalfOpenState(2)
		.ignoreExceptions(IllegalArgumentException.class)
		.build());

	private final RecordingListener events = new RecordingListener();

	private final List<Runnable> refreshTasks = new ArrayList<>();

	private ScheduledExecutorService scheduler;

	@AfterEach
	void shutdown() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

	private FallbackCache.Builder<String, Object> builder() {
		return FallbackCache.<String, Object>builder("prices", this.breaker)
			.store(FallbackStore.of(this.storage))
			.clock(this.clock)
			.refreshExecutor(this.refreshTasks::add)
			.maxStaleness(Duration.ofMinutes(10))
			.listener(this.events);
	}

	@Test
	void freshAnswerIsReturnedAndStoredAsLastKnownGood() {
		FallbackCache<String, Object> cache = builder().build();
		FallbackResult<Object> result = cache.callForResult("ACME", () -> 42);
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FRESH);
		assertThat(this.storage.get("ACME").value()).isEqualTo(42);
	}

	@Test
	void fallbackIsServedWhenDownstreamThrows() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(3));
		IllegalStateException boom = new IllegalStateException("downstream down");
		FallbackResult<Object> result = cache.callForResult("ACME", () -> {
			throw boom;
		});
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_AFTER_FAILURE);
		assertThat(result.age()).isEqualTo(Duration.ofMinutes(3));
		assertThat(result.failure()).isSameAs(boom);
		assertThat(result.isStale()).isTrue();
		assertThat(cache.isServingStale()).isTrue();
		assertThat(this.events.fallbackAges).containsExactly(Duration.ofMinutes(3));
	}

	@Test
	void originalExceptionIsRethrownWhenNothingIsStored() {
		FallbackCache<String, Object> cache = builder().build();
		IllegalStateException boom = new IllegalStateException("downstream down");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
	}

	@Test
	void checkedExceptionIsRethrownUnwrapped() {
		FallbackCache<String, Object> cache = builder().build();
		IOException boom = new IOException("connection reset");
		assertThatThrownBy(() -> cache.callChecked("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
	}

	@Test
	void valueOlderThanMaxStalenessIsNotServed() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(10));
		IllegalStateException boom = new IllegalStateException("downstream down");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
		assertThat(this.events.staleRejected).containsExactly(Duration.ofMinutes(10));
		assertThat(cache.stats().staleRejected()).isEqualTo(1);
	}

	@Test
	void valueJustYoungerThanMaxStalenessIsServed() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(10).minusMillis(1));
		assertThat(cache.call("ACME", () -> {
			throw new IllegalStateException("down");
		})).isEqualTo(42);
	}

	@Test
	void fallbackIsServedWhenBreakerIsOpenWithoutCallingDownstream() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		this.breaker.transitionToOpenState();
		AtomicInteger downstreamCalls = new AtomicInteger();
		FallbackResult<Object> result = cache.callForResult("ACME", () -> downstreamCalls.incrementAndGet());
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_CIRCUIT_OPEN);
		assertThat(downstreamCalls).hasValue(0);
	}

	@Test
	void openBreakerWithoutStoredValueRethrowsCallNotPermitted() {
		FallbackCache<String, Object> cache = builder().build();
		this.breaker.transitionToOpenState();
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> cache.call("ACME", () -> 42));
	}

	@Test
	void failuresOpenTheBreakerAndFallbacksAreServedUntilItRecovers() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 1);
		for (int i = 0; i < 3; i++) {
			assertThat(cache.call("ACME", () -> {
				throw new IllegalStateException("down");
			})).isEqualTo(1);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		AtomicInteger downstreamCalls = new AtomicInteger();
		assertThat(cache.callForResult("ACME", () -> downstreamCalls.incrementAndGet() + 100).source())
			.isEqualTo(FallbackResult.Source.FALLBACK_CIRCUIT_OPEN);
		assertThat(downstreamCalls).hasValue(0);
		// after the wait duration the breaker lets probes through (half-open); they succeed and close it
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			FallbackResult<Object> probe = cache.callForResult("ACME", () -> 2);
			assertThat(probe.source()).isEqualTo(FallbackResult.Source.FRESH);
		});
		cache.call("ACME", () -> 2);
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(cache.isServingStale()).isFalse();
		assertThat(cache.callForResult("ACME", () -> {
			throw new IllegalStateException("down again");
		}).value()).isEqualTo(2);
	}

	@Test
	void nullIsNeverStored() {
		FallbackCache<String, Object> cache = builder().build();
		assertThat(cache.call("ACME", () -> null)).isNull();
		assertThat(this.storage).isEmpty();
		assertThat(this.events.rejectedValues).hasSize(1);
		IllegalStateException boom = new IllegalStateException("down");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
	}

	@Test
	void nullAnswerDoesNotReplaceGoodValue() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		assertThat(cache.call("ACME", () -> null)).isNull();
		assertThat(this.storage.get("ACME").value()).isEqualTo(42);
	}

	@Test
	void emptyValuesAreNotStoredWithoutOptIn() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("list", List::of);
		cache.call("map", Map::of);
		cache.call("text", () -> "");
		cache.call("array", () -> new int[0]);
		cache.call("optional", Optional::empty);
		assertThat(this.storage).isEmpty();
		assertThat(cache.stats().valuesRejected()).isEqualTo(5);
	}

	@Test
	void emptyValuesAreStoredWithOptIn() {
		FallbackCache<String, Object> cache = builder().cacheEmpty(true).build();
		cache.call("list", List::of);
		assertThat(cache.call("list", () -> {
			throw new IllegalStateException("down");
		})).isEqualTo(List.of());
	}

	@Test
	void valuesRejectedByThePredicateAreNotStored() {
		FallbackCache<String, Object> cache = builder().cacheable((value) -> !"ERROR".equals(value)).build();
		cache.call("ACME", () -> "ERROR");
		assertThat(this.storage).isEmpty();
		cache.call("ACME", () -> "OK");
		assertThat(this.storage.get("ACME").value()).isEqualTo("OK");
	}

	@Test
	void emptyValueFoundInTheStoreIsNeverServed() {
		// for example written by another instance or another version of the application
		FallbackCache<String, Object> cache = builder().build();
		this.storage.put("ACME", new StoredValue<>(List.of(), this.clock.millis()));
		IllegalStateException boom = new IllegalStateException("down");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
	}

	@Test
	void invalidatedEntryIsNotServedAsFallback() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		cache.invalidate("ACME");
		IllegalStateException boom = new IllegalStateException("down");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw boom;
		})).isSameAs(boom);
	}

	@Test
	void exceptionIgnoredByTheBreakerIsPassedOnWithoutFallback() {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		IllegalArgumentException notFound = new IllegalArgumentException("no such price");
		assertThatThrownBy(() -> cache.call("ACME", () -> {
			throw notFound;
		})).isSameAs(notFound);
	}

	@Test
	void valueYoungerThanRefreshAgeIsServedWithoutCallingDownstream() {
		FallbackCache<String, Object> cache = builder().refreshAfter(Duration.ofMinutes(1)).build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofSeconds(30));
		AtomicInteger downstreamCalls = new AtomicInteger();
		FallbackResult<Object> result = cache.callForResult("ACME", () -> downstreamCalls.incrementAndGet());
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.HIT);
		assertThat(downstreamCalls).hasValue(0);
	}

	@Test
	void staleValueIsServedAtOnceAndRefreshedOnceInTheBackground() {
		FallbackCache<String, Object> cache = builder().refreshAfter(Duration.ofMinutes(1)).build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(2));
		AtomicInteger downstreamCalls = new AtomicInteger();
		for (int i = 0; i < 5; i++) {
			FallbackResult<Object> result = cache.callForResult("ACME", () -> 43 + downstreamCalls.getAndIncrement());
			assertThat(result.value()).isEqualTo(42);
			assertThat(result.source()).isEqualTo(FallbackResult.Source.STALE_WHILE_REFRESHING);
			assertThat(result.age()).isEqualTo(Duration.ofMinutes(2));
		}
		assertThat(this.refreshTasks).hasSize(1);
		assertThat(downstreamCalls).hasValue(0);
		this.refreshTasks.remove(0).run();
		assertThat(downstreamCalls).hasValue(1);
		FallbackResult<Object> after = cache.callForResult("ACME", () -> 0);
		assertThat(after.value()).isEqualTo(43);
		assertThat(after.source()).isEqualTo(FallbackResult.Source.HIT);
		assertThat(this.events.refreshesStarted).hasValue(1);
	}

	@Test
	void failedRefreshKeepsTheStaleValueAndAllowsTheNextRefresh() {
		FallbackCache<String, Object> cache = builder().refreshAfter(Duration.ofMinutes(1)).build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(2));
		cache.call("ACME", () -> {
			throw new IllegalStateException("down");
		});
		this.refreshTasks.remove(0).run();
		assertThat(this.events.refreshFailures).hasValue(1);
		assertThat(cache.call("ACME", () -> 7)).isEqualTo(42);
		assertThat(this.refreshTasks).hasSize(1);
	}

	@Test
	void staleValueWithOpenBreakerIsServedWithoutRefresh() {
		FallbackCache<String, Object> cache = builder().refreshAfter(Duration.ofMinutes(1)).build();
		cache.call("ACME", () -> 42);
		this.clock.advance(Duration.ofMinutes(2));
		this.breaker.transitionToOpenState();
		FallbackResult<Object> result = cache.callForResult("ACME", () -> 43);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_CIRCUIT_OPEN);
		assertThat(this.refreshTasks).isEmpty();
	}

	@Test
	void concurrentMissesForOneKeyMakeOneDownstreamCall() throws Exception {
		FallbackCache<String, Object> cache = builder().refreshAfter(Duration.ofMinutes(1))
			.waitTimeout(Duration.ofSeconds(30))
			.build();
		int callers = 100;
		AtomicInteger downstreamCalls = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Object>> answers = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				answers.add(pool.submit(() -> {
					start.await();
					return cache.call("ACME", () -> {
						downstreamCalls.incrementAndGet();
						try {
							release.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						return 42;
					});
				}));
			}
			start.countDown();
			// keep the single downstream call open until the other callers had time to join it
			Thread.sleep(300);
			release.countDown();
			for (Future<Object> answer : answers) {
				assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(42);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(downstreamCalls).hasValue(1);
	}

	@Test
	void callersJoiningAFailingCallGetTheFallback() throws Exception {
		FallbackCache<String, Object> cache = builder().build();
		cache.call("ACME", () -> 42);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<Object> leader = pool.submit(() -> cache.call("ACME", () -> {
				entered.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("down");
			}));
			entered.await();
			AtomicInteger joinerCalls = new AtomicInteger();
			Future<Object> joiner = pool.submit(() -> cache.call("ACME", () -> joinerCalls.incrementAndGet()));
			Thread.sleep(100);
			release.countDown();
			assertThat(leader.get(5, TimeUnit.SECONDS)).isEqualTo(42);
			assertThat(joiner.get(5, TimeUnit.SECONDS)).isIn(42, 1);
			// the joiner either joined the failing call (fallback 42) or came after it (its own call)
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void callerJoiningASlowCallGivesUpAfterTheWaitTimeout() throws Exception {
		FallbackCache<String, Object> cache = builder().waitTimeout(Duration.ofMillis(200)).build();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<Object> leader = pool.submit(() -> cache.call("ACME", () -> {
				entered.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return 42;
			}));
			entered.await();
			long start = System.nanoTime();
			assertThatThrownBy(() -> cache.call("ACME", () -> 7)).isInstanceOf(TimeoutException.class)
				.hasMessageContaining("PT0.2S");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			release.countDown();
			assertThat(leader.get(5, TimeUnit.SECONDS)).isEqualTo(42);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void asyncFallbackIsServedOnTimeout() throws Exception {
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
		TimeLimiter limiter = TimeLimiter.of("prices",
				TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(100)).build());
		FallbackCache<String, Object> cache = builder().timeLimiter(limiter, this.scheduler).build();
		assertThat(cache.callAsync("ACME", () -> CompletableFuture.completedFuture(42)).get(5, TimeUnit.SECONDS))
			.isEqualTo(42);
		FallbackResult<Object> result = cache.callAsyncForResult("ACME", CompletableFuture::new)
			.get(5, TimeUnit.SECONDS);
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_AFTER_FAILURE);
		assertThat(result.failure()).isInstanceOf(TimeoutException.class);
	}

	@Test
	void asyncTimeoutWithoutStoredValueFailsWithTheTimeout() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor();
		TimeLimiter limiter = TimeLimiter.of("prices",
				TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(100)).build());
		FallbackCache<String, Object> cache = builder().timeLimiter(limiter, this.scheduler).build();
		assertThatThrownBy(() -> cache.callAsync("ACME", CompletableFuture::new).join())
			.hasCauseInstanceOf(TimeoutException.class);
	}

	@Test
	void asyncFallbackIsServedWhenTheStageFails() throws Exception {
		FallbackCache<String, Object> cache = builder().build();
		cache.callAsync("ACME", () -> CompletableFuture.completedFuture(42)).get();
		IllegalStateException boom = new IllegalStateException("down");
		assertThat(cache.callAsync("ACME", () -> CompletableFuture.failedFuture(boom)).get()).isEqualTo(42);
		cache.invalidate("ACME");
		assertThatThrownBy(() -> cache.callAsync("ACME", () -> CompletableFuture.failedFuture(boom)).join())
			.hasCause(boom);
	}

	@Test
	void asyncNullIsNotStored() throws Exception {
		FallbackCache<String, Object> cache = builder().build();
		assertThat(cache.callAsync("ACME", () -> CompletableFuture.completedFuture(null)).get()).isNull();
		assertThat(this.storage).isEmpty();
	}

	@Test
	void lastAnswerTellsWhetherItWasStaleAndHowOld() {
		FallbackCache<String, Object> cache = builder().build();
		try (FallbackContext.Scope scope = FallbackContext.open()) {
			cache.call("ACME", () -> 42);
			assertThat(FallbackContext.lastAnswer().isStale()).isFalse();
			this.clock.advance(Duration.ofSeconds(90));
			cache.call("ACME", () -> {
				throw new IllegalStateException("down");
			});
			FallbackResult<?> last = FallbackContext.lastAnswer();
			assertThat(last.isStale()).isTrue();
			assertThat(last.age()).isEqualTo(Duration.ofSeconds(90));
			FallbackContext.clear();
			assertThat(FallbackContext.lastAnswer()).isNull();
		}
	}

	@Test
	void failedCallLeavesNoLastAnswer() {
		FallbackCache<String, Object> cache = builder().build();
		try (FallbackContext.Scope scope = FallbackContext.open()) {
			cache.call("ACME", () -> 42);
			assertThat(FallbackContext.lastAnswer()).isNotNull();
			assertThatThrownBy(() -> cache.call("OTHER", () -> {
				throw new IllegalStateException("down");
			})).isInstanceOf(IllegalStateException.class);
			assertThat(FallbackContext.lastAnswer()).isNull();
		}
	}

	@Test
	void throwingListenerDoesNotBreakCalls() {
		FallbackCache<String, Object> cache = builder().listener(new FallbackCacheListener() {
			@Override
			public void onAnswer(String name, FallbackResult.Source source, long durationNanos) {
				throw new IllegalStateException("listener bug");
			}
		}).build();
		assertThat(cache.call("ACME", () -> 42)).isEqualTo(42);
	}

	@Test
	void storeFailureDoesNotFailTheCall() {
		FallbackStore<Object> broken = new FallbackStore<>() {
			@Override
			public StoredValue<Object> get(Object key) {
				throw new IllegalStateException("store down");
			}

			@Override
			public void put(Object key, StoredValue<Object> entry) {
				throw new IllegalStateException("store down");
			}

			@Override
			public void evict(Object key) {
			}
		};
		FallbackCache<String, Object> cache = builder().store(broken).build();
		assertThat(cache.call("ACME", () -> 42)).isEqualTo(42);
	}

	@Test
	void builderRejectsBadDurations() {
		assertThatIllegalArgumentException().isThrownBy(() -> builder().maxStaleness(Duration.ZERO))
			.withMessageContaining("PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().maxStaleness(Duration.ofSeconds(-5)))
			.withMessageContaining("PT-5S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().refreshAfter(Duration.ZERO));
		assertThatIllegalStateException()
			.isThrownBy(() -> builder().maxStaleness(Duration.ofMinutes(1)).refreshAfter(Duration.ofMinutes(2)).build())
			.withMessageContaining("PT2M")
			.withMessageContaining("PT1M");
		assertThatIllegalArgumentException().isThrownBy(() -> FallbackCache.builder(" ", this.breaker))
			.withMessageContaining("' '");
	}

	static final class RecordingListener implements FallbackCacheListener {

		final List<Duration> fallbackAges = new ArrayList<>();

		final List<Duration> staleRejected = new ArrayList<>();

		final List<Object> rejectedValues = new ArrayList<>();

		final AtomicInteger refreshesStarted = new AtomicInteger();

		final AtomicInteger refreshFailures = new AtomicInteger();

		final AtomicReference<Throwable> lastFailure = new AtomicReference<>();

		@Override
		public synchronized void onFallbackServed(String cache, Object key, Duration age, Throwable failure) {
			this.fallbackAges.add(age);
		}

		@Override
		public synchronized void onStaleRejected(String cache, Object key, Duration age, Throwable failure) {
			this.staleRejected.add(age);
			this.lastFailure.set(failure);
		}

		@Override
		public void onRefreshStarted(String cache, Object key) {
			this.refreshesStarted.incrementAndGet();
		}

		@Override
		public void onRefreshFailed(String cache, Object key, Throwable failure) {
			this.refreshFailures.incrementAndGet();
		}

		@Override
		public synchronized void onValueRejected(String cache, Object key, Object value) {
			this.rejectedValues.add(String.valueOf(value));
		}

	}

	@Test
	void aValueTheStoreCannotReadSafelyIsCountedAndServedAsAMiss() {
		List<Object> unreadableKeys = new ArrayList<>();
		FallbackStore<Object> refusing = new FallbackStore<>() {

			@Override
			public StoredValue<Object> get(Object key) {
				throw new IllegalStateException("wrapped by the store's client",
						new UnreadableStoredValueException("Java serialization, which is never read", null));
			}

			@Override
			public void put(Object key, StoredValue<Object> entry) {
			}

			@Override
			public void evict(Object key) {
			}

		};
		FallbackCache<String, Object> cache = builder().store(refusing).listener(new FallbackCacheListener() {
			@Override
			public void onValueUnreadable(String name, Object key, UnreadableStoredValueException failure) {
				unreadableKeys.add(key);
			}
		}).build();
		FallbackResult<Object> result = cache.callForResult("ACME", () -> 42);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FRESH);
		assertThat(result.value()).isEqualTo(42);
		// each read that met the value counts (the single flight re-checks the key before calling)
		assertThat(cache.stats().valuesUnreadable()).isPositive().isEqualTo(unreadableKeys.size());
		assertThat(unreadableKeys).containsOnly("ACME");
	}

}
