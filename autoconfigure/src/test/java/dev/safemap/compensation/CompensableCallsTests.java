package dev.safemap.compensation;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class CompensableCallsTests {

	private final InMemoryCompensationStore store = new InMemoryCompensationStore();

	private final CompensationRegistry registry = CompensationRegistry.builder(this.store)
		.clock(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")))
		.backoff(IntervalFunction.of(Duration.ofSeconds(1)))
		.build();

	private final CompensableCalls calls = new CompensableCalls(() -> this.registry);

	private final CircuitBreaker breaker = CircuitBreaker.ofDefaults("downstream");

	private final CompensationRequest request = new CompensationRequest("t", "[1]", "order-1", "sku-1",
			Map.of("tenant", "acme"));

	@Test
	void successfulWriteRunsWithTheIdempotencyKeyInScopeAndStoresNothing() throws Throwable {
		List<String> keys = new CopyOnWriteArrayList<>();
		String stored = this.calls.call(this.breaker, this.request, IOException.class::isInstance,
				() -> keys.add(CompensationContext.currentIdempotencyKey().orElse("none")
						+ (CompensationContext.isReplaying() ? ":replay" : ":first")));
		assertThat(stored).isNull();
		assertThat(keys).containsExactly("order-1:first");
		assertThat(CompensationContext.currentIdempotencyKey()).as("scope closed").isEmpty();
		assertThat(this.registry.counts().values()).allMatch((n) -> n == 0);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void compensatingFailureStoresTheRequestAndReturnsItsId() throws Throwable {
		String stored = this.calls.call(this.breaker, this.request, IOException.class::isInstance, () -> {
			throw new IOException("down");
		});
		assertThat(this.registry.find(stored)).hasValueSatisfying((entry) -> {
			assertThat(entry.idempotencyKey()).isEqualTo("order-1");
			assertThat(entry.orderingKey()).isEqualTo("sku-1");
			assertThat(entry.context()).containsEntry("tenant", "acme");
		});
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void failureThatDoesNotCompensatePropagatesAndStoresNothing() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.calls.call(this.breaker, this.request, IOException.class::isInstance, () -> {
				throw new IllegalArgumentException("rejected");
			}))
			.withMessage("rejected");
		assertThat(this.registry.counts().values()).allMatch((n) -> n == 0);
	}

	@Test
	void refusalByTheOpenBreakerAlwaysCompensatesWithoutCallingTheWrite() throws Throwable {
		this.breaker.transitionToOpenState();
		List<String> called = new CopyOnWriteArrayList<>();
		String stored = this.calls.call(this.breaker, this.request, (failure) -> false, () -> called.add("x"));
		assertThat(stored).isNotNull();
		assertThat(called).isEmpty();
	}

	@Test
	void storeFailureIsThrownWithTheWriteFailureSuppressed() {
		CompensableCalls failingStore = new CompensableCalls(() -> {
			throw new IllegalStateException("store down");
		});
		IOException down = new IOException("down");
		assertThatIllegalStateException()
			.isThrownBy(() -> failingStore.call(this.breaker, this.request, IOException.class::isInstance, () -> {
				throw down;
			}))
			.withMessage("store down")
			.satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(down));
	}

	@Test
	void failedStageIsStoredAndItsFutureCompletesWhenTheReplaySucceeds() {
		CompletableFuture<Object> result = this.calls.callAsync(this.breaker, this.request,
				IOException.class::isInstance, () -> CompletableFuture.failedFuture(new IOException("down")));
		assertThat(result).isNotDone();
		this.registry.register("t", (entry) -> {
		});
		assertThat(this.registry.replayDue()).isEqualTo(1);
		assertThat(result).isCompletedWithValue(null);
	}

	@Test
	void stageFailureThatDoesNotCompensateFailsTheFutureUnwrapped() {
		IllegalArgumentException rejected = new IllegalArgumentException("rejected");
		CompletableFuture<Object> result = this.calls.callAsync(this.breaker, this.request,
				IOException.class::isInstance, () -> {
					throw rejected;
				});
		assertThatExceptionOfType(CompletionException.class).isThrownBy(result::join).havingCause().isSameAs(rejected);
		assertThat(this.registry.counts().values()).allMatch((n) -> n == 0);
	}

	@Test
	void successfulStageGivesItsValue() {
		CompletableFuture<String> result = this.calls.callAsync(this.breaker, this.request,
				IOException.class::isInstance, () -> CompletableFuture.completedFuture("ok"));
		assertThat(result).isCompletedWithValue("ok");
	}

}
