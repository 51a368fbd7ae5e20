package dev.safemap.test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConcurrentlyTests {

	@Test
	void everyThreadRunsTheBlockOncePerRound() {
		AtomicInteger calls = new AtomicInteger();
		Concurrently.run(4, 25, calls::incrementAndGet);
		assertThat(calls).hasValue(100);
	}

	@Test
	void allThreadsAreInsideTheBlockAtOnceInEveryRound() {
		int threads = 4;
		int rounds = 10;
		CountDownLatch[] inside = new CountDownLatch[rounds];
		for (int i = 0; i < rounds; i++) {
			inside[i] = new CountDownLatch(threads);
		}
		// each thread waits inside the block for all others of its round: this only completes when the
		// barrier released every thread into the same round
		Concurrently.run(threads, rounds, (thread, round) -> {
			inside[round].countDown();
			assertThat(inside[round].await(30, TimeUnit.SECONDS)).as("all threads inside round %d", round).isTrue();
		});
	}

	@Test
	void failureNamesTheThreadAndTheRoundAndKeepsTheCause() {
		IllegalStateException boom = new IllegalStateException("boom");
		AssertionError error = catchThrowableOfType(AssertionError.class, () -> Concurrently.run(3, 10, (thread, round) -> {
			if (thread == 2 && round == 5) {
				throw boom;
			}
		}));
		assertThat(error).hasMessageContaining("thread index 2 of 3 threads, round index 5 of 10 rounds")
			.hasMessageContaining("concurrently-2")
			.hasCause(boom);
	}

	@Test
	void runStopsAfterTheRoundInWhichABlockFailed() {
		AtomicInteger calls = new AtomicInteger();
		catchThrowableOfType(AssertionError.class, () -> Concurrently.run(2, 100, (thread, round) -> {
			calls.incrementAndGet();
			if (round == 3 && thread == 0) {
				throw new IllegalStateException("stop");
			}
		}));
		assertThat(calls).hasValue(8);
	}

	@Test
	void hungRoundFailsInsteadOfHangingTheBuild() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		try {
			AssertionError error = catchThrowableOfType(AssertionError.class,
					() -> Concurrently.run(2, 1, Duration.ofMillis(200), (thread, round) -> {
						if (thread == 0) {
							release.await();
						}
					}));
			assertThat(error).hasMessageContaining("did not finish within PT0.2S");
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void rejectsNoThreadsOrNoRounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> Concurrently.run(0, 1, () -> {
		})).withMessage("threads must be at least 1 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> Concurrently.run(1, 0, () -> {
		})).withMessage("rounds must be at least 1 but was 0");
	}

}
