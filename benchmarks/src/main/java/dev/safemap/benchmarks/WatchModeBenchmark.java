package dev.safemap.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
 * Watch mode against plain guard mode (no observer) and {@link ConcurrentHashMap}, in the same run:
 * 100,000 preloaded keys, Zipf or uniform key choice, 95/5 reads/writes ({@code readPercent=95}) and
 * writes only ({@code readPercent=0}), with watch mode's sampling as a parameter (reads watched
 * {@code 1/sampling} of the time, in 1 ms windows opened by a background thread; it does not apply to
 * CHM and GUARD, run them with one value). Same precomputed
 * samples as {@link GuardedMapBenchmark}. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WatchModeBenchmark {

	/** The implementations compared. */
	public enum Impl {

		CHM, GUARD, WATCH

	}

	@Param
	public Impl impl;

	@Param({ "ZIPF" })
	public GuardedMapBenchmark.Distribution distribution;

	@Param({ "95", "0" })
	public int readPercent;

	@Param({ "64" })
	public int sampling;

	Map<Integer, Integer> map;

	Integer[] keys;

	int[] samples;

	boolean[] reads;

	@Setup
	public void setUp() {
		this.map = switch (this.impl) {
			case CHM -> new ConcurrentHashMap<>();
			case GUARD -> GuardedMap.guard("benchmark", new HashMap<>());
			case WATCH -> GuardedMap.builder("benchmark").mode(GuardMode.WATCH).watchSampling(this.sampling)
				.wrap(new HashMap<>());
		};
		this.keys = new Integer[GuardedMapBenchmark.KEYS];
		for (int i = 0; i < GuardedMapBenchmark.KEYS; i++) {
			this.keys[i] = i;
			this.map.put(this.keys[i], i);
		}
		Random random = new Random(42);
		this.samples = (this.distribution == GuardedMapBenchmark.Distribution.ZIPF) ? GuardedMapBenchmark.zipf(random)
				: GuardedMapBenchmark.uniform(random);
		this.reads = new boolean[GuardedMapBenchmark.SAMPLES];
		for (int i = 0; i < GuardedMapBenchmark.SAMPLES; i++) {
			this.reads[i] = random.nextInt(100) < this.readPercent;
		}
	}

	@Benchmark
	public Integer readWrite(GuardedMapBenchmark.Cursor cursor) {
		int i = cursor.index++ & GuardedMapBenchmark.MASK;
		Integer key = this.keys[this.samples[i]];
		if (this.reads[i]) {
			return this.map.get(key);
		}
		return this.map.put(key, i);
	}

}
