package dev.safemap.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
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

/**
 * The plain harness of issue 20: what an application gets by default (guard mode with the hotspots
 * accounting at its defaults, {@code DEFAULT}) against guard mode without an observer ({@code GUARD},
 * {@code safemap.hotspots.enabled=false}), {@link ConcurrentHashMap} ({@code CHM}, the baseline) and a
 * wrapper that only delegates to one ({@code WRAPPER}: what any wrapper costs), and {@code CHM2}, a second
 * {@code ConcurrentHashMap} measured in a fork of its own, as a control: how far apart the harness puts two
 * identical implementations.
 * Nothing is pinned: the JIT is left alone, and {@code benchmarks/run-default.sh} runs each
 * implementation in a fork of its own (one JMH invocation per implementation, order rotated between
 * passes), {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}, 3×1 s warm-up, 5×1 s measured.
 * <ul>
 * <li>{@code reads}: 100% {@code get}, Zipf-skewed over 100,000 keys;</li>
 * <li>{@code readMostly}: 95% {@code get} / 5% {@code put}, Zipf;</li>
 * <li>{@code readWrite}: 50% {@code get} / 50% {@code put}, uniform;</li>
 * <li>{@code merge}: {@code merge(k, 1L, Long::sum)} on 16 hot keys;</li>
 * <li>{@code increment}: {@link GuardedMap#increment} on 16 hot keys ({@code CHM}: {@code merge}).</li>
 * </ul>
 * Key choices and read/write decisions are precomputed; each thread's cursor sits in the middle of a
 * padded array so that it shares no cache line with the map under test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch" })
public class DefaultPathBenchmark {

	static final int KEYS = 100_000;

	static final int SAMPLES = 1 << 20;

	static final int MASK = SAMPLES - 1;

	/** The implementations compared. */
	public enum Impl {

		CHM,

		/**
		 * {@code ConcurrentHashMap} again, in a JVM of its own: the same code as {@link #CHM}, so its ratio to
		 * {@code CHM} is what the harness reads between two identical implementations (its resolution).
		 */
		CHM2,

		GUARD, DEFAULT,

		/** A trivial final class delegating every call to a {@code ConcurrentHashMap}: a wrapper's floor. */
		WRAPPER

	}

	@Param
	public Impl impl;

	Map<Integer, Integer> map;

	Map<String, Long> counters;

	GuardedMap<String, Long> guardedCounters;

	Hotspots hotspots;

	Integer[] keys;

	int[] zipf;

	int[] uniform;

	/** One operation in 20 is a write (95/5), one in 2 (50/50). */
	boolean[] writes5;

	boolean[] writes50;

	final String[] hotKeys = new String[16];

	/**
	 * Which hot key each operation uses, drawn at random: with keys taken in turn ({@code cursor & 15}),
	 * two threads kept a fixed distance in the sequence for a whole iteration, so they met on every
	 * key or never, depending on where their cursors started, and one iteration measured up to 7 times
	 * another on the same map.
	 */
	int[] hot;

	@Setup
	public void setUp() {
		Map<Integer, Integer> initial = new HashMap<>();
		this.keys = new Integer[KEYS];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = i;
			initial.put(this.keys[i], i);
		}
		for (int i = 0; i < this.hotKeys.length; i++) {
			this.hotKeys[i] = "/endpoint/" + i;
		}
		switch (this.impl) {
			case CHM, CHM2 -> {
				this.map = new ConcurrentHashMap<>(initial);
				this.counters = new ConcurrentHashMap<>();
			}
			case WRAPPER -> {
				this.map = new Delegating<>(new ConcurrentHashMap<>(initial));
				this.counters = new Delegating<>(new ConcurrentHashMap<>());
			}
			case GUARD -> {
				this.map = GuardedMap.guard("bench", initial);
				this.guardedCounters = GuardedMap.guard("counters", new HashMap<>());
				this.counters = this.guardedCounters;
			}
			case DEFAULT -> {
				this.hotspots = Hotspots.create(HotspotsConfig.defaults());
				this.map = GuardedMap.builder("bench")
					.observer(this.hotspots.create("bench", GuardMode.GUARD))
					.wrap(initial);
				this.guardedCounters = GuardedMap.builder("counters")
					.observer(this.hotspots.create("counters", GuardMode.GUARD))
					.wrap(new HashMap<String, Long>());
				this.counters = this.guardedCounters;
			}
		}
		Random random = new Random(42);
		this.zipf = GuardedMapBenchmark.zipf(random);
		this.uniform = GuardedMapBenchmark.uniform(random);
		this.hot = new int[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			this.hot[i] = random.nextInt(this.hotKeys.length);
		}
		this.writes5 = new boolean[SAMPLES];
		this.writes50 = new boolean[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			this.writes5[i] = random.nextInt(100) < 5;
			this.writes50[i] = random.nextInt(100) < 50;
		}
	}

	@TearDown
	public void tearDown() throws Exception {
		if (this.hotspots != null) {
			this.hotspots.close();
		}
	}

	/**
	 * Each thread walks the precomputed samples from its own random offset. The index sits in the
	 * middle of an array, at least a cache line from either end, so that it never shares a line with
	 * an object another thread reads on every operation (a map wrapper, say).
	 */
	@State(Scope.Thread)
	public static class Cursor {

		private static final int INDEX = 24;

		private final int[] slots = new int[2 * INDEX + 1];

		@Setup(Level.Iteration)
		public void setUp() {
			this.slots[INDEX] = new Random().nextInt(SAMPLES);
		}

		int next() {
			return this.slots[INDEX]++ & MASK;
		}

	}

	@Benchmark
	public Integer reads(Cursor cursor) {
		return this.map.get(this.keys[this.zipf[cursor.next()]]);
	}

	@Benchmark
	public Integer readMostly(Cursor cursor) {
		int i = cursor.next();
		Integer key = this.keys[this.zipf[i]];
		if (this.writes5[i]) {
			return this.map.put(key, key);
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer readWrite(Cursor cursor) {
		int i = cursor.next();
		Integer key = this.keys[this.uniform[i]];
		if (this.writes50[i]) {
			return this.map.put(key, key);
		}
		return this.map.get(key);
	}

	@Benchmark
	public Long merge(Cursor cursor) {
		return this.counters.merge(this.hotKeys[this.hot[cursor.next()]], 1L, Long::sum);
	}

	@Benchmark
	public long increment(Cursor cursor) {
		String key = this.hotKeys[this.hot[cursor.next()]];
		if (this.guardedCounters != null) {
			return this.guardedCounters.increment(key);
		}
		return this.counters.merge(key, 1L, Long::sum);
	}

	/** {@link Impl#WRAPPER}: one final layer that only delegates, as thin as a wrapper gets. */
	static final class Delegating<K, V> extends java.util.AbstractMap<K, V> {

		private final ConcurrentHashMap<K, V> target;

		Delegating(ConcurrentHashMap<K, V> target) {
			this.target = target;
		}

		@Override
		public V get(Object key) {
			return this.target.get(key);
		}

		@Override
		public V put(K key, V value) {
			return this.target.put(key, value);
		}

		@Override
		public V merge(K key, V value, java.util.function.BiFunction<? super V, ? super V, ? extends V> function) {
			return this.target.merge(key, value, function);
		}

		@Override
		public java.util.Set<Map.Entry<K, V>> entrySet() {
			return this.target.entrySet();
		}

	}

}
