package dev.safemap.benchmarks;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link GuardedMap} in guard mode against {@link ConcurrentHashMap} (the baseline),
 * {@link Collections#synchronizedMap}, a {@link ReentrantReadWriteLock}-guarded {@link HashMap}, and
 * detect mode (watching a {@code ConcurrentHashMap}, so that two threads never corrupt the map under
 * test): 100,000 preloaded keys, uniform and Zipf-skewed key choice, 100%, 95% and 50% reads; and
 * {@link HotKeyCounter}, the {@code counter[k]++} workload on 16 hot keys. Thread count comes from
 * the command line ({@code -t 1}, {@code -t 2}). Key indexes and read/write decisions are
 * precomputed, so the measured loop does nothing but the map operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class GuardedMapBenchmark {

	static final int KEYS = 100_000;

	static final int SAMPLES = 1 << 20;

	static final int MASK = SAMPLES - 1;

	/** The implementations compared. */
	public enum Impl {

		CHM, GUARDED, SYNCHRONIZED, RWLOCK, DETECT

	}

	/** How keys are chosen. */
	public enum Distribution {

		UNIFORM, ZIPF

	}

	@Param
	public Impl impl;

	@Param
	public Distribution distribution;

	@Param({ "100", "95", "50" })
	public int readPercent;

	Map<Integer, Integer> map;

	Integer[] keys;

	int[] samples;

	boolean[] reads;

	@Setup
	public void setUp() {
		this.map = create(this.impl);
		this.keys = new Integer[KEYS];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = i;
			this.map.put(this.keys[i], i);
		}
		Random random = new Random(42);
		this.samples = (this.distribution == Distribution.ZIPF) ? zipf(random) : uniform(random);
		this.reads = new boolean[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			this.reads[i] = random.nextInt(100) < this.readPercent;
		}
	}

	/** Each thread walks the precomputed samples from its own random offset. */
	@State(Scope.Thread)
	public static class Cursor {

		int index = new Random().nextInt(SAMPLES);

	}

	@Benchmark
	public Integer readWrite(Cursor cursor) {
		int i = cursor.index++ & MASK;
		Integer key = this.keys[this.samples[i]];
		if (this.reads[i]) {
			return this.map.get(key);
		}
		return this.map.put(key, i);
	}

	/**
	 * The hot-key counter: 16 keys, each operation adds one atomically (CHM and guard:
	 * {@code merge}/{@code increment}; synchronized and RW-lock: under their lock).
	 */
	@State(Scope.Benchmark)
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public static class HotKeyCounter {

		@Param
		public Impl impl;

		Map<String, Long> counters;

		GuardedMap<String, Long> guarded;

		ReentrantReadWriteLock lock;

		final String[] hotKeys = new String[16];

		@Setup
		public void setUp() {
			for (int i = 0; i < this.hotKeys.length; i++) {
				this.hotKeys[i] = "/endpoint/" + i;
			}
			switch (this.impl) {
				case CHM -> this.counters = new ConcurrentHashMap<>();
				case GUARDED -> this.guarded = GuardedMap.guard("counters", new HashMap<>());
				case DETECT -> this.guarded = GuardedMap.builder("counters")
					.mode(GuardMode.DETECT)
					.wrap(new ConcurrentHashMap<>());
				case SYNCHRONIZED -> this.counters = Collections.synchronizedMap(new HashMap<>());
				case RWLOCK -> {
					this.counters = new HashMap<>();
					this.lock = new ReentrantReadWriteLock();
				}
			}
		}

		@Benchmark
		public long increment(Cursor cursor) {
			String key = this.hotKeys[cursor.index++ & 15];
			return switch (this.impl) {
				case GUARDED, DETECT -> this.guarded.increment(key);
				case RWLOCK -> {
					this.lock.writeLock().lock();
					try {
						yield this.counters.merge(key, 1L, Long::sum);
					}
					finally {
						this.lock.writeLock().unlock();
					}
				}
				default -> this.counters.merge(key, 1L, Long::sum);
			};
		}

	}

	static Map<Integer, Integer> create(Impl impl) {
		return switch (impl) {
			case CHM -> new ConcurrentHashMap<>();
			case GUARDED -> GuardedMap.guard("benchmark", new HashMap<>());
			case SYNCHRONIZED -> Collections.synchronizedMap(new HashMap<>());
			case RWLOCK -> new RwLockMap<>();
			case DETECT -> GuardedMap.builder("benchmark").mode(GuardMode.DETECT).wrap(new ConcurrentHashMap<>());
		};
	}

	static int[] uniform(Random random) {
		int[] samples = new int[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			samples[i] = random.nextInt(KEYS);
		}
		return samples;
	}

	/**
	 * Zipf-distributed ranks (exponent 0.99, as YCSB), scrambled over the key space so that the hot
	 * keys do not sit next to each other in the table.
	 */
	static int[] zipf(Random random) {
		double[] cumulative = new double[KEYS];
		double sum = 0;
		for (int rank = 0; rank < KEYS; rank++) {
			sum += 1.0 / Math.pow(rank + 1, 0.99);
			cumulative[rank] = sum;
		}
		int[] scramble = new int[KEYS];
		for (int i = 0; i < KEYS; i++) {
			scramble[i] = i;
		}
		for (int i = KEYS - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = scramble[i];
			scramble[i] = scramble[j];
			scramble[j] = t;
		}
		int[] samples = new int[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			double u = random.nextDouble() * sum;
			int rank = java.util.Arrays.binarySearch(cumulative, u);
			rank = (rank >= 0) ? rank : Math.min(-rank - 1, KEYS - 1);
			samples[i] = scramble[rank];
		}
		return samples;
	}

	/** A {@code HashMap} behind a {@link ReentrantReadWriteLock}: reads share, writes exclude. */
	static final class RwLockMap<K, V> extends java.util.AbstractMap<K, V> {

		private final HashMap<K, V> map = new HashMap<>();

		private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

		@Override
		public V get(Object key) {
			this.lock.readLock().lock();
			try {
				return this.map.get(key);
			}
			finally {
				this.lock.readLock().unlock();
			}
		}

		@Override
		public V put(K key, V value) {
			this.lock.writeLock().lock();
			try {
				return this.map.put(key, value);
			}
			finally {
				this.lock.writeLock().unlock();
			}
		}

		@Override
		public java.util.Set<Map.Entry<K, V>> entrySet() {
			throw new UnsupportedOperationException("not needed by the benchmark");
		}

	}

}
