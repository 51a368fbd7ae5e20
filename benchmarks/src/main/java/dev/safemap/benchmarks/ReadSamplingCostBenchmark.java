package dev.safemap.benchmarks;

import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What deciding whether to count a read costs, next to the read itself: a {@code ConcurrentHashMap}
 * {@code get} over 16,384 pre-boxed keys ({@code plain}), preceded by one of the ways to sample it.
 * {@code threadLocalRandom}: one {@code ThreadLocalRandom} draw, one read in 64 sampled (what the
 * accounting did before it sampled in time); {@code threadStateXorshift}: a xorshift step on state
 * the thread already holds (a lower bound for any per-thread random draw); {@code sharedCounter}: a
 * plain, racy shared counter (one thread only: a lower bound for any per-read store);
 * {@code volatileFlag}: one volatile load of a flag that is never set (what an uncounted read costs
 * with the accounting's read window). Ratios to {@code plain} in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
public class ReadSamplingCostBenchmark {

	static final int SIZE = 1 << 14;

	static final long ONE_IN_64 = (1L << 31) / 64;

	final ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>();

	final Integer[] keys = new Integer[SIZE];

	volatile boolean window;

	int shared;

	long sampled;

	@Setup
	public void setUp() {
		Random random = new Random(42);
		for (int i = 0; i < SIZE; i++) {
			this.keys[i] = random.nextInt();
			this.map.put(this.keys[i], i);
		}
	}

	/** Each thread walks the keys from its own random start; also holds the xorshift state. */
	@State(Scope.Thread)
	public static class Cursor {

		int index = new Random().nextInt();

		int seed = 0x2545F491;

		int next() {
			return this.index += 0x9E3779B9;
		}

	}

	@Benchmark
	public Integer plain(Cursor cursor) {
		return this.map.get(this.keys[cursor.next() & (SIZE - 1)]);
	}

	@Benchmark
	public Integer threadLocalRandom(Cursor cursor) {
		Integer key = this.keys[cursor.next() & (SIZE - 1)];
		if ((ThreadLocalRandom.current().nextInt() >>> 1) < ONE_IN_64) {
			this.sampled++;
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer threadStateXorshift(Cursor cursor) {
		Integer key = this.keys[cursor.next() & (SIZE - 1)];
		int x = cursor.seed;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		cursor.seed = x;
		if ((x & 63) == 0) {
			this.sampled++;
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer sharedCounter(Cursor cursor) {
		Integer key = this.keys[cursor.next() & (SIZE - 1)];
		if ((++this.shared & 63) == 0) {
			this.sampled++;
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer volatileFlag(Cursor cursor) {
		Integer key = this.keys[cursor.next() & (SIZE - 1)];
		if (this.window) {
			this.sampled++;
		}
		return this.map.get(key);
	}

}
