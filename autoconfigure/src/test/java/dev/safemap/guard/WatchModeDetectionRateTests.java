package dev.safemap.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watch mode finds the {@code put(k, get(k) + 1)} lost update on a hot key mixed into 99% correct
 * operations, at the default sampling (reads watched 1/64 of the time), in at least 9 of 10 runs
 * within 10 seconds of virtual time.
 * <p>
 * Deterministic on any machine: two real threads run in lock step, one operation at a time, in an
 * order drawn from a seeded random schedule (so an operation of the other thread falls between a
 * racy read and its write as often as the schedule says, not as the machine's load says). Time is
 * virtual: each operation advances it by {@value #OPERATION_NANOS} ns (both threads together
 * 100,000 operations per second, a slow machine: fewer operations fall in each window than on a real
 * one), and the watch window is driven by watch mode's own cycle ({@link WatchWindows#cycle}: 1 ms
 * windows at seeded random moments of each 64 ms period) on that clock. The lost-update clock stands
 * still. Each seed thus gives the same verdict everywhere; the wall-clock time to a first report with
 * free-running threads is measured by the benchmarks (docs/benchmarks.md).
 */
class WatchModeDetectionRateTests {

	/** Virtual time per operation. */
	static final long OPERATION_NANOS = 10_000;

	/** Operations per run, both threads together: 10 s of virtual time. */
	static final int BUDGET = (int) (TimeUnit.SECONDS.toNanos(10) / OPERATION_NANOS);

	/** Operations per run of the workload without a race (every read watched). */
	static final int NO_RACE_BUDGET = 200_000;

	static final String HOT = "hot";

	@Test
	void hotKeyLostUpdateIsFoundInAtLeast9Of10RunsAtTheDefaultSampling() throws Exception {
		List<Integer> found = new ArrayList<>();
		int detected = 0;
		for (int run = 0; run < 10; run++) {
			int at = run(run, WatchWindows.DEFAULT_SAMPLING);
			found.add(at);
			if (at >= 0) {
				detected++;
			}
		}
		System.out.println("watch mode, default sampling: first report at operation " + found + " (-1: none within "
				+ BUDGET + ")");
		assertThat(detected).as("runs with a report, operations to the first: %s", found).isGreaterThanOrEqualTo(9);
	}

	@Test
	void theSameWorkloadWithoutTheRacyIncrementIsNeverReported() throws Exception {
		for (int run = 0; run < 3; run++) {
			assertThat(run(100 + run, 1, 0.0, NO_RACE_BUDGET)).as("run %s", run).isEqualTo(-1);
		}
	}

	static int run(long seed, int sampling) throws Exception {
		return run(seed, sampling, 0.01, BUDGET);
	}

	/**
	 * One run: returns the operation count at the first report, or -1 when none came within the budget.
	 */
	static int run(long seed, int sampling, double racyShare, int budget) throws Exception {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		ReadWindow window = new ReadWindow();
		VirtualTimer timer = new VirtualTimer(new Random(seed * 31 + 7));
		GuardedMap<String, Long> map = GuardedMap.builder("hits-" + seed)
			.mode(GuardMode.WATCH)
			.registry(registry)
			.ticker(() -> 0L)
			.watchWindow(window)
			.wrap(new ConcurrentHashMap<>());
		if (sampling == 1) {
			window.open(); // as WatchWindows does: always open
		}
		else {
			WatchWindows.cycle(sampling, window, timer).start();
		}
		map.put(HOT, 0L);
		Worker[] workers = { new Worker(map, new SplittableRandom(seed * 2 + 1), racyShare),
				new Worker(map, new SplittableRandom(seed * 2 + 2), racyShare) };
		Lockstep lockstep = new Lockstep(new SplittableRandom(seed), () -> registry.raceCount(map.name()) > 0,
				() -> timer.advance(OPERATION_NANOS), budget);
		Thread[] threads = new Thread[2];
		AtomicReference<Throwable> failure = new AtomicReference<>();
		for (int t = 0; t < 2; t++) {
			int id = t;
			threads[t] = new Thread(() -> {
				try {
					lockstep.play(id, workers[id]::step);
				}
				catch (Throwable ex) {
					failure.set(ex);
					lockstep.stop();
				}
			}, "watch-rate-" + t);
		}
		lockstep.start(threads);
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(120));
			assertThat(thread.isAlive()).as("lock-step thread still running").isFalse();
		}
		int foundAt = lockstep.foundAt();
		assertThat(failure.get()).isNull();
		if (foundAt >= 0) {
			assertThat(registry.recentReports(map.name())).allSatisfy((report) -> {
				assertThat(report.kind()).isEqualTo(RaceReport.Kind.LOST_UPDATE);
				assertThat(report.site().methodName()).isEqualTo("racyWrite");
				assertThat(report.otherSite().methodName()).isIn("racyWrite", "correctWrite");
			});
		}
		return foundAt;
	}

	/** One thread's program: 99% correct operations, 1% the racy increment split in its read and write. */
	static final class Worker {

		private final GuardedMap<String, Long> map;

		private final SplittableRandom random;

		private final double racyShare;

		private Long pending;

		Worker(GuardedMap<String, Long> map, SplittableRandom random, double racyShare) {
			this.map = map;
			this.random = random;
			this.racyShare = racyShare;
		}

		void step() {
			if (this.pending != null) {
				racyWrite();
				return;
			}
			if (this.random.nextDouble() < this.racyShare) {
				Long seen = this.map.get(HOT); // the check ...
				this.pending = (seen != null) ? seen : 0L;
				return;
			}
			correct(this.random.nextInt(100));
		}

		private void racyWrite() {
			this.map.put(HOT, this.pending + 1); // ... then the act: the bug
			this.pending = null;
		}

		private void correct(int dice) {
			String key = "k" + this.random.nextInt(1_000);
			if (dice < 60) {
				this.map.get(key);
			}
			else if (dice < 70) {
				this.map.get(HOT);
			}
			else if (dice < 80) {
				correctWrite();
			}
			else if (dice < 95) {
				this.map.merge(key, 1L, Long::sum);
			}
			else {
				synchronized (this.map) {
					Long old = this.map.get(key);
					this.map.put(key, (old != null) ? old + 1 : 1L);
				}
			}
		}

		private void correctWrite() {
			this.map.increment(HOT);
		}

	}

	/**
	 * Runs two threads one operation at a time, in the order of a seeded schedule: after each
	 * operation the thread that ran it draws who runs the next one and hands the turn over (spinning
	 * briefly, then parking), after advancing the virtual clock. Only one thread runs at a time, so the
	 * schedule, the workers' generators and the window's cycle are used in the same order on every
	 * machine.
	 */
	static final class Lockstep {

		private final SplittableRandom schedule;

		private final java.util.function.BooleanSupplier found;

		private final Thread[] threads = new Thread[2];

		private volatile int turn;

		private volatile boolean stopped;

		private int operations;

		private volatile int foundAt = -1;

		private final Runnable tick;

		private final int budget;

		Lockstep(SplittableRandom schedule, java.util.function.BooleanSupplier found, Runnable tick, int budget) {
			this.budget = budget;
			this.schedule = schedule;
			this.found = found;
			this.tick = tick;
		}

		void start(Thread[] threads) {
			this.threads[0] = threads[0];
			this.threads[1] = threads[1];
			this.turn = this.schedule.nextInt(2);
			threads[0].start();
			threads[1].start();
		}

		void play(int me, Runnable step) {
			int spins = 0;
			while (!this.stopped) {
				if (this.turn != me) {
					if (++spins < 200) {
						Thread.onSpinWait();
					}
					else {
						java.util.concurrent.locks.LockSupport.parkNanos(this, 1_000_000);
					}
					continue;
				}
				spins = 0;
				step.run();
				this.operations++;
				this.tick.run();
				if (this.found.getAsBoolean()) {
					this.foundAt = this.operations;
					stop();
					return;
				}
				if (this.operations >= this.budget) {
					stop();
					return;
				}
				int next = this.schedule.nextInt(2);
				this.turn = next;
				if (next != me) {
					java.util.concurrent.locks.LockSupport.unpark(this.threads[next]);
				}
			}
		}

		void stop() {
			this.stopped = true;
			for (Thread thread : this.threads) {
				java.util.concurrent.locks.LockSupport.unpark(thread);
			}
		}

		int foundAt() {
			return this.foundAt;
		}

	}

	/**
	 * The watch window cycle's clock and scheduler, advanced by the lock step: steps run when the
	 * virtual time reaches them, on the thread whose turn it is.
	 */
	static final class VirtualTimer implements WindowCycle.Timer {

		private record Step(long at, long order, Runnable step) {
		}

		private final java.util.PriorityQueue<Step> steps = new java.util.PriorityQueue<>(
				java.util.Comparator.comparingLong(Step::at).thenComparingLong(Step::order));

		private final Random random;

		private long now;

		private long order;

		VirtualTimer(Random random) {
			this.random = random;
		}

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public boolean schedule(Runnable step, long atNanos) {
			this.steps.add(new Step(atNanos, this.order++, step));
			return true;
		}

		@Override
		public long randomBelow(long bound) {
			return Math.floorMod(this.random.nextLong(), bound);
		}

		int pending() {
			return this.steps.size();
		}

		/** Moves the clock on by {@code nanos}, running every step due by then at its own time. */
		void advance(long nanos) {
			long time = this.now + nanos;
			while (!this.steps.isEmpty() && this.steps.peek().at() <= time) {
				Step step = this.steps.poll();
				this.now = Math.max(this.now, step.at());
				step.step().run();
			}
			this.now = time;
		}

	}

}
