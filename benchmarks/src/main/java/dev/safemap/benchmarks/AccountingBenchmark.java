package dev.safemap.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.OperationSampler;
import dev.safemap.guard.ReadWindow;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;

/**
 * Cost of the contention-hotspots accounting on a guard-mode map, all variants in the same run:
 * <ul>
 * <li>{@code off}: no observer (what an application gets with {@code safemap.hotspots.enabled=false})
 * — the guard's fast path;</li>
 * <li>{@code observed}: the guard's observed path with an observer that does nothing — the cost of
 * the guard's own bookkeeping (stripe counters on writes, timed when two meet), without any accounting;</li>
 * <li>{@code sampler}: the same empty observer plus an operation sampler whose window never opens —
 * the writes' window and stripe checks and their unwatched count (reads go straight to the contents),
 * without windows, key sampling or a drain thread;</li>
 * <li>{@code samplerWindows}: the same sampler with its window opened 1 ms in every 64 ms by a
 * thread of the benchmark's, as the accounting does: the windows' counting, without the accounting's
 * drain work;</li>
 * <li>{@code accounting}: the observed path with the hotspots accounting at its defaults
 * (what an application gets by default: keyed reads and writes counted during a 1 ms window every
 * 64 ms);</li>
 * <li>{@code rareWindows}: the accounting with windows four times rarer ({@code sample-rate=1/256}):
 * how much of its cost the windows' counted reads make;</li>
 * <li>{@code exact}: the same accounting counting every read ({@code sample-rate=1}).</li>
 * </ul>
 * {@code readMostly} is 95% {@code get} / 5% {@code put} over 16,384 existing keys; {@code writes} is
 * 100% {@code put}; {@code reads} is 100% {@code get}. Run at 1 and 2 threads ({@code -t}). The
 * target: {@code accounting} at most 5% slower than {@code off} on {@code readMostly}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
public class AccountingBenchmark {

	static final int SIZE = 1 << 14;

	static final int MASK = SIZE - 1;

	/** One operation in 20 is a write: 95/5. */
	static final int WRITE_EVERY = 20;

	@Param({ "off", "observed", "sampler", "samplerWindows", "accounting", "rareWindows", "exact" })
	public String impl;

	Map<Integer, Integer> map;

	/** {@code samplerWindows}: opens the sampler's window 1 ms in every 64 ms, as the accounting does. */
	Thread windowDriver;

	Integer[] keys;

	@Setup
	public void setUp() {
		Map<Integer, Integer> initial = new HashMap<>();
		this.keys = keys(initial);
		GuardedMap.Builder builder = GuardedMap.builder("bench");
		switch (this.impl) {
			case "off" -> {
			}
			case "observed" -> builder.observer(new MapObserver() {
			});
			case "sampler" -> builder.observer(samplerObserver(new ReadWindow()));
			case "samplerWindows" -> {
				ReadWindow window = new ReadWindow();
				builder.observer(samplerObserver(window));
				this.windowDriver = new Thread(() -> {
					try {
						while (true) {
							Thread.sleep(63);
							window.open();
							Thread.sleep(1);
							window.close();
						}
					}
					catch (InterruptedException ex) {
						window.close();
					}
				}, "window-driver");
				this.windowDriver.setDaemon(true);
				this.windowDriver.start();
			}
			case "accounting" -> builder
				.observer(Hotspots.create(HotspotsConfig.defaults()).create("bench", GuardMode.GUARD));
			case "rareWindows" -> builder.observer(Hotspots
				.create(HotspotsConfig.builder().sampleRate(1.0 / 256).keySampleRate(1.0 / 256).build())
				.create("bench", GuardMode.GUARD));
			case "exact" -> builder.observer(Hotspots.create(HotspotsConfig.builder().sampleRate(1.0).build())
				.create("bench", GuardMode.GUARD));
			default -> throw new IllegalArgumentException("unknown impl " + this.impl);
		}
		this.map = builder.wrap(initial);
	}

	/**
	 * Fills {@code into} with {@value #SIZE} scattered, pre-boxed keys (no allocation in the measured
	 * loop), the same in every fork.
	 * @return the keys
	 */
	static Integer[] keys(Map<Integer, Integer> into) {
		Integer[] keys = new Integer[SIZE];
		Random random = new Random(42);
		for (int i = 0; i < SIZE; i++) {
			keys[i] = random.nextInt();
			into.put(keys[i], i);
		}
		return keys;
	}

	/** An empty observer with an operation sampler over {@code window}, keeping every counted key. */
	static MapObserver samplerObserver(ReadWindow window) {
		OperationSampler sampler = new OperationSampler(window, new AtomicReferenceArray<>(256), 1.0);
		return new MapObserver() {
			@Override
			public OperationSampler operationSampler() {
				return sampler;
			}
		};
	}

	@TearDown
	public void tearDown() throws InterruptedException {
		if (this.windowDriver != null) {
			this.windowDriver.interrupt();
			this.windowDriver.join();
		}
	}

	/**
	 * Each thread walks the keys from its own random start with an odd stride. Its two counters, written
	 * on every operation, sit in the middle of an array, at least 64 bytes (a cache line) from either
	 * end of it: as plain fields they would share a cache line with whatever object lies just before
	 * the state in memory (JMH pads a state only after its own fields), and when that object is one the
	 * other thread reads on every operation (a map wrapper, say), that false sharing costs this thread
	 * and the other one more than the 5% being measured, in some forks and not others.
	 */
	@State(Scope.Thread)
	public static class Cursor {

		private static final int INDEX = 24;

		private static final int OPERATIONS = INDEX + 1;

		private final int[] counters = new int[2 * INDEX + 2];

		@Setup(Level.Iteration)
		public void setUp() {
			this.counters[INDEX] = new Random().nextInt();
		}

		int next() {
			return this.counters[INDEX] += 0x9E3779B9;
		}

		/** Exactly one operation in {@value AccountingBenchmark#WRITE_EVERY} is a write. */
		boolean nextIsWrite() {
			if (++this.counters[OPERATIONS] == WRITE_EVERY) {
				this.counters[OPERATIONS] = 0;
				return true;
			}
			return false;
		}

	}

	@Benchmark
	public Integer readMostly(Cursor cursor) {
		Integer key = this.keys[cursor.next() & MASK];
		if (cursor.nextIsWrite()) {
			return this.map.put(key, key);
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer reads(Cursor cursor) {
		return this.map.get(this.keys[cursor.next() & MASK]);
	}

	@Benchmark
	public Integer writes(Cursor cursor) {
		Integer key = this.keys[cursor.next() & MASK];
		return this.map.put(key, key);
	}

}
