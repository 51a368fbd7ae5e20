package dev.safemap.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Makes races happen instead of hoping for them: runs a block from {@code threads} threads that a
 * barrier releases together, {@code rounds} times (every thread waits for the others before each
 * round, then spins until all of them are awake, so the threads that are running start the round at
 * the same moment; with more threads than cores the others join as the scheduler switches).
 * <p>
 * The block is anything: a bean method, a MockMvc or WebTestClient request, plain map calls.
 * <pre>{@code
 * Concurrently.run(8, 100, () -> counter.hit("/orders"));
 * Concurrently.run(8, 50, () -> mockMvc.perform(post("/hits/home")).andExpect(status().isOk()));
 * Concurrently.run(2, 100, (thread, round) -> { if (thread == 0) cache.warmUp(); else cache.refresh(); });
 * }</pre>
 * A failure of the block (an exception or an assertion error) stops the run after the current round
 * and is rethrown as an {@link AssertionError} that names the thread and the round, with the failure
 * as its cause and the failures of other threads in the same round as suppressed exceptions. A round
 * that does not finish within {@link #DEFAULT_ROUND_TIMEOUT} (a deadlock, a block that never returns)
 * fails the same way; the timeout only guards against hanging builds and decides no verdict.
 * <p>
 * Thread-safety: the static methods may be called from any thread; each call uses its own threads,
 * which have ended when it returns.
 *
 * @since 0.1.0
 */
public final class Concurrently {

	/** How long one round may take before the run fails as hung. */
	public static final Duration DEFAULT_ROUND_TIMEOUT = Duration.ofSeconds(60);

	private Concurrently() {
	}

	/**
	 * Runs {@code block} from {@code threads} threads released together, {@code rounds} times.
	 * @param threads the number of threads, at least 1
	 * @param rounds the number of rounds, at least 1
	 * @param block the code every thread runs once per round
	 * @throws AssertionError if the block failed in a thread (naming the thread and the round), or a
	 * round did not finish within {@link #DEFAULT_ROUND_TIMEOUT}
	 * @throws IllegalArgumentException if threads or rounds is below 1
	 */
	public static void run(int threads, int rounds, Block block) {
		Objects.requireNonNull(block, "block must not be null");
		run(threads, rounds, (thread, round) -> block.run());
	}

	/**
	 * Runs {@code block} from {@code threads} threads released together, {@code rounds} times, telling
	 * the block which thread (0 to threads - 1) and which round (0 to rounds - 1) it runs in; use it to
	 * give threads different roles (a warm-up against a refresher).
	 * @param threads the number of threads, at least 1
	 * @param rounds the number of rounds, at least 1
	 * @param block the code every thread runs once per round
	 * @throws AssertionError if the block failed in a thread (naming the thread and the round), or a
	 * round did not finish within {@link #DEFAULT_ROUND_TIMEOUT}
	 * @throws IllegalArgumentException if threads or rounds is below 1
	 */
	public static void run(int threads, int rounds, IndexedBlock block) {
		run(threads, rounds, DEFAULT_ROUND_TIMEOUT, block);
	}

	/**
	 * Like {@link #run(int, int, IndexedBlock)} with a chosen round timeout.
	 * @param threads the number of threads, at least 1
	 * @param rounds the number of rounds, at least 1
	 * @param roundTimeout how long one round may take before the run fails as hung
	 * @param block the code every thread runs once per round
	 * @throws AssertionError if the block failed in a thread, or a round timed out
	 * @throws IllegalArgumentException if threads or rounds is below 1, or the timeout is not positive
	 */
	public static void run(int threads, int rounds, Duration roundTimeout, IndexedBlock block) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
		}
		if (rounds < 1) {
			throw new IllegalArgumentException("rounds must be at least 1 but was " + rounds);
		}
		Objects.requireNonNull(roundTimeout, "roundTimeout must not be null");
		if (roundTimeout.isNegative() || roundTimeout.isZero()) {
			throw new IllegalArgumentException("roundTimeout must be positive but was " + roundTimeout);
		}
		Objects.requireNonNull(block, "block must not be null");
		new Run(threads, rounds, roundTimeout, block).execute();
	}

	/**
	 * A block of code run by every thread in every round.
	 *
	 * @since 0.1.0
	 */
	@FunctionalInterface
	public interface Block {

		/**
		 * Runs the block once.
		 * @throws Throwable any failure, reported with the thread and round it happened in
		 */
		void run() throws Throwable;

	}

	/**
	 * A block of code that is told which thread and which round it runs in.
	 *
	 * @since 0.1.0
	 */
	@FunctionalInterface
	public interface IndexedBlock {

		/**
		 * Runs the block once.
		 * @param thread the thread's index, 0 to threads - 1
		 * @param round the round, 0 to rounds - 1
		 * @throws Throwable any failure, reported with the thread and round it happened in
		 */
		void run(int thread, int round) throws Throwable;

	}

	private static final class Run {

		private final int threads;

		private final int rounds;

		private final long timeoutNanos;

		private final IndexedBlock block;

		/** Trips before each round: all threads start the block together. */
		private final CyclicBarrier start;

		/** Trips after each round: nobody starts round r + 1 before everyone finished round r. */
		private final CyclicBarrier end;

		/**
		 * Threads that passed the start barrier, per round: a barrier wakes its waiters one after the
		 * other (tens of microseconds apart), longer than many blocks take, so after it every thread
		 * yields until all have arrived and the running ones leave at the same instant.
		 */
		private final AtomicIntegerArray arrived;

		private final AtomicReference<@Nullable Failure> firstFailure = new AtomicReference<>();

		private final List<Failure> otherFailures = new ArrayList<>();

		private volatile boolean stop;

		Run(int threads, int rounds, Duration roundTimeout, IndexedBlock block) {
			this.threads = threads;
			this.rounds = rounds;
			this.timeoutNanos = roundTimeout.toNanos();
			this.block = block;
			this.start = new CyclicBarrier(threads);
			this.end = new CyclicBarrier(threads);
			this.arrived = new AtomicIntegerArray(rounds);
		}

		void execute() {
			List<Thread> workers = new ArrayList<>(this.threads);
			String prefix = "concurrently-";
			for (int i = 0; i < this.threads; i++) {
				int index = i;
				Thread worker = new Thread(() -> work(index), prefix + i);
				worker.setDaemon(true);
				workers.add(worker);
			}
			workers.forEach(Thread::start);
			boolean interrupted = false;
			List<String> stuck = new ArrayList<>();
			long joinMillis = TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos) + 1;
			for (Thread worker : workers) {
				while (worker.isAlive()) {
					try {
						worker.join(joinMillis);
					}
					catch (InterruptedException ex) {
						interrupted = true;
						this.stop = true;
						workers.forEach(Thread::interrupt);
					}
					if (worker.isAlive() && this.firstFailure.get() != null) {
						// the run failed (a timeout, or a failure while this thread still runs its block):
						// do not wait for a thread that may never return; it is a daemon and is interrupted
						stuck.add(worker.getName());
						worker.interrupt();
						break;
					}
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			Failure failure = this.firstFailure.get();
			if (failure != null) {
				String message = failure.describe(this.threads, this.rounds);
				if (!stuck.isEmpty()) {
					message += " (still in the block, interrupted and left behind: " + String.join(", ", stuck) + ")";
				}
				AssertionError error = new AssertionError(message, failure.cause);
				synchronized (this.otherFailures) {
					for (Failure other : this.otherFailures) {
						error.addSuppressed(new AssertionError(other.describe(this.threads, this.rounds), other.cause));
					}
				}
				throw error;
			}
			if (interrupted) {
				throw new AssertionError("Concurrently.run was interrupted");
			}
		}

		private void work(int index) {
			for (int round = 0; round < this.rounds && !this.stop; round++) {
				if (!await(this.start, index, round) || !spinUntilAllArrived(round)) {
					return;
				}
				try {
					this.block.run(index, round);
				}
				catch (Throwable ex) {
					fail(new Failure(Thread.currentThread().getName(), index, round, ex));
					this.stop = true; // others finish this round, then stop
				}
				if (!await(this.end, index, round)) {
					return;
				}
			}
		}

		private boolean spinUntilAllArrived(int round) {
			this.arrived.incrementAndGet(round);
			long deadline = System.nanoTime() + this.timeoutNanos;
			while (this.arrived.get(round) < this.threads) {
				if (this.stop || System.nanoTime() - deadline > 0) {
					return false; // a thread failed or timed out at the barrier: it reported
				}
				// yield, not a hot spin: with more threads than free cores the late ones need the CPU
				Thread.yield();
			}
			return true;
		}

		private boolean await(CyclicBarrier barrier, int index, int round) {
			try {
				barrier.await(this.timeoutNanos, TimeUnit.NANOSECONDS);
				return true;
			}
			catch (TimeoutException ex) {
				fail(new Failure(Thread.currentThread().getName(), index, round, new AssertionError(
						"round " + round + " did not finish within " + Duration.ofNanos(this.timeoutNanos)
								+ " (a thread is stuck in the block: deadlock or endless loop?)")));
				this.stop = true;
				barrier.reset();
				return false;
			}
			catch (BrokenBarrierException ex) {
				return false; // another thread timed out or was interrupted: it reported
			}
			catch (InterruptedException ex) {
				this.stop = true;
				barrier.reset();
				Thread.currentThread().interrupt();
				return false;
			}
		}

		private void fail(Failure failure) {
			if (!this.firstFailure.compareAndSet(null, failure)) {
				synchronized (this.otherFailures) {
					this.otherFailures.add(failure);
				}
			}
		}

	}

	private record Failure(String threadName, int thread, int round, Throwable cause) {

		String describe(int threads, int rounds) {
			return "Block failed in thread " + this.threadName + " (thread index " + this.thread + " of " + threads
					+ " threads, round index " + this.round + " of " + rounds + " rounds): " + this.cause;
		}

	}

}
