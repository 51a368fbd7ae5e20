package dev.safemap.benchmarks;

import java.util.HashMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.jfr.SafeMapEvents;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 19's "disabled, they cost nothing measurable": the same map path with SafeMap's flight recorder calls in
 * it and without them, in one JMH invocation, no recording running in either. {@code hooks=ON} is the product as
 * shipped (each call asks its event whether a recording wants it); {@code hooks=OFF} is the same code with
 * {@code -Ddev.safemap.jfr.events=false}, which turns every call into a constant-false branch the JIT removes
 * ({@link SafeMapEvents#HOOKS_PROPERTY}). The switch is read once, when {@link SafeMapEvents} is initialized, so
 * each fork sets it in its trial setup before anything touches that class, and checks that the product sees it.
 * Run at 2 threads ({@code -t 2}) so that writes meet, on an observed guard-mode map whose observer has no
 * sampler (every write is watched, so each contended write reaches {@link SafeMapEvents#contended}):
 * <ul>
 * <li>{@code increment}: the hot-key counter on 16 keys, the path that calls the contended hook the most;</li>
 * <li>{@code readWrite}: 95/5 reads/writes over 100,000 preloaded keys, Zipf, as {@link WatchModeBenchmark}.</li>
 * </ul>
 * Each fork prints how many writes met another one (a racy count, a lower bound): each of those passed through
 * the contended call, so a fork that prints 0 measured nothing of it.
 * Compare {@code ON} with {@code OFF} per benchmark: {@code ratios.py --baseline hooks=OFF}, over several passes or
 * with {@code paired.sh}; {@code -prof gc} gives the bytes per operation of each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlightRecorderHooksBenchmark {

	/** Whether SafeMap's flight recorder calls are in the path. */
	public enum Hooks {

		ON, OFF

	}

	@Param
	public Hooks hooks;

	final ContendedCount countersContended = new ContendedCount();

	final ContendedCount mapContended = new ContendedCount();

	GuardedMap<String, Long> counters;

	final String[] hotKeys = new String[16];

	GuardedMap<Integer, Integer> map;

	Integer[] keys;

	int[] samples;

	boolean[] reads;

	@Setup
	public void setUp() {
		// before the first use of SafeMapEvents in this JVM: it reads the switch into a constant when initialized
		System.setProperty(SafeMapEvents.HOOKS_PROPERTY, (this.hooks == Hooks.ON) ? "true" : "false");
		if (SafeMapEvents.hooksEnabled() != (this.hooks == Hooks.ON)) {
			throw new IllegalStateException("hooks=" + this.hooks + " but SafeMapEvents.hooksEnabled() is "
					+ SafeMapEvents.hooksEnabled() + ": run each value in a fork of its own (not -f 0)");
		}
		for (int i = 0; i < this.hotKeys.length; i++) {
			this.hotKeys[i] = "/endpoint/" + i;
		}
		// observers without a sampler: every write is watched on its stripe, so contention is measured
		this.counters = GuardedMap.builder("counters").observer(this.countersContended).wrap(new HashMap<>());
		this.map = GuardedMap.builder("benchmark").observer(this.mapContended).wrap(new HashMap<>());
		this.keys = new Integer[GuardedMapBenchmark.KEYS];
		for (int i = 0; i < GuardedMapBenchmark.KEYS; i++) {
			this.keys[i] = i;
			this.map.put(this.keys[i], i);
		}
		Random random = new Random(42);
		this.samples = GuardedMapBenchmark.zipf(random);
		this.reads = new boolean[GuardedMapBenchmark.SAMPLES];
		for (int i = 0; i < GuardedMapBenchmark.SAMPLES; i++) {
			this.reads[i] = random.nextInt(100) < 95;
		}
	}

	@TearDown
	public void report() {
		// one benchmark method runs per fork: the other map's count is 0
		long met = this.countersContended.count + this.mapContended.count;
		System.out.println("hooks=" + this.hooks + ": " + met
				+ " writes met another write (each through the contended call)");
	}

	@Benchmark
	public long increment(GuardedMapBenchmark.Cursor cursor) {
		return this.counters.increment(this.hotKeys[cursor.index++ & 15]);
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

	/** Counts the contended writes, the same in both variants: a plain field, racy on purpose (no fence). */
	static final class ContendedCount implements MapObserver {

		long count;

		@Override
		public void contended(MapOperation operation, Object key, int segment, long waitNanos) {
			this.count++;
		}

	}

}
