package dev.safemap.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
import dev.safemap.guard.ReadWindow;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;

/**
 * The accounting's cost measured within one JVM: {@code off} and one candidate wrap the <em>same</em>
 * {@code ConcurrentHashMap} (same nodes, same memory layout), and the measured map alternates from
 * one iteration to the next: iteration 0, 2, 4, ... (warm-up iterations included) use {@code off},
 * iterations 1, 3, 5, ... the candidate. Each fork thus yields adjacent pairs of iterations that
 * differ only in the wrapper, under the same JIT decisions for the target map, the same heap layout
 * and the same state of the machine; {@code benchmarks/alternating.py} turns the raw iteration scores
 * into per-pair ratios. Run with an even number of warm-up iterations. Iterations last 100 ms: at
 * 2 threads these 2 vCPUs switch between throughput levels about twice apart every few seconds, and
 * a pair that straddles a switch gives a ratio far from 1 whatever the wrapper; short pairs straddle
 * one less often.
 * <p>
 * This complements {@link AccountingBenchmark}, whose forks each run one implementation: there the
 * fork-to-fork spread (JIT decisions and heap layout differ per fork, and three quarters of the
 * loop's time is {@code ConcurrentHashMap.get} waiting for memory) is several times the 5% to be
 * judged. What this setup does not show: the call site in the loop sees two map classes (both
 * called behind a type check, for both sides alike), and the accounting's drain thread runs during
 * the {@code off} iterations too (on the other core, where it costs the measured thread nothing
 * measurable; see docs/benchmarks.md).
 * <p>
 * <b>Inlining is pinned</b>: the forks run with {@code dontinline} for the wrappers' {@code get} and
 * {@code put}, on both sides alike. Compiled on their own, those methods are larger than C2's
 * {@code InlineSmallCode} (2,500 bytes; measured with {@code -XX:+LogCompilation}: 2,688 bytes for
 * the unobserved map's {@code get}, 3,520 for the observed one's), so in an application, where many
 * call sites make them hot on their own, callers call them rather than inline them. Left to the JIT,
 * the benchmark loop inlined both in most forks, but in about one fork in four at 2 threads the
 * observed map's {@code get} had been compiled on its own first and was then called while the other
 * side's was inlined: those forks measured the call, not the accounting (0.75 to 0.80 instead of
 * about 0.95; every such fork, and no other, printed "already compiled into a big method" under
 * {@code -XX:+PrintInlining}). Run with {@code -jvmArgsAppend "-Xms1g -Xmx1g"} (which replaces the
 * pinned arguments) to measure with the JIT left alone.
 * <p>
 * Candidates: {@code observed} (an empty observer: the stripe counters), {@code sampler} (plus an
 * operation sampler whose window never opens), {@code accounting} (the hotspots accounting at its
 * defaults), {@code rareWindows} (the accounting with a read window every 1,024 ms instead of every
 * 64: what the windows cost), {@code fewKeys} (the accounting keeping the keys of 1 in 16 operations
 * of its windows instead of all: what the windows' key stores cost), {@code off} (off against
 * itself: the method's own noise floor) and {@code chm} (the {@code ConcurrentHashMap} itself against
 * guard mode over it: what the guard-mode layer costs; run it with the JIT left alone, as the pinned
 * {@code dontinline} applies to the wrappers only) and {@code watch} (watch mode at its default sampling,
 * without observer, against guard mode over the same map: issue 19's cost; JIT left alone too, as
 * the watching map's own methods are not pinned).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 40, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 200, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
		"-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,*GuardedMap::get",
		"-XX:CompileCommand=dontinline,*GuardedMap::put" })
public class AccountingAlternatingBenchmark {

	static final int SIZE = AccountingBenchmark.SIZE;

	static final int MASK = SIZE - 1;

	@Param({ "accounting", "rareWindows", "fewKeys", "sampler", "observed", "off", "chm", "watch" })
	public String candidate;

	Map<Integer, Integer> off;

	Map<Integer, Integer> other;

	/** The map measured in the current iteration. */
	Map<Integer, Integer> map;

	int iteration;

	Hotspots hotspots;

	Integer[] keys;

	@Setup
	public void setUp() {
		ConcurrentHashMap<Integer, Integer> target = new ConcurrentHashMap<>();
		this.keys = AccountingBenchmark.keys(target);
		// a ConcurrentMap is guarded as it is, not copied: both wrappers share the target
		this.off = GuardedMap.builder("off").wrap(target);
		GuardedMap.Builder builder = GuardedMap.builder("bench");
		switch (this.candidate) {
			case "off" -> builder = GuardedMap.builder("off-again");
			case "chm" -> builder = null;
			case "observed" -> builder.observer(new MapObserver() {
			});
			case "sampler" -> builder.observer(AccountingBenchmark.samplerObserver(new ReadWindow()));
			case "accounting" -> builder.observer(accounting(HotspotsConfig.defaults()));
			case "rareWindows" -> builder
				.observer(accounting(HotspotsConfig.builder().sampleRate(1.0 / 1024).build()));
			case "fewKeys" -> builder
				.observer(accounting(HotspotsConfig.builder().keySampleRate(1.0 / 1024).build()));
			case "watch" -> builder.mode(GuardMode.WATCH).watchSampling(64);
			default -> throw new IllegalArgumentException("unknown candidate " + this.candidate);
		}
		// "chm": the ConcurrentHashMap itself, unwrapped
		this.other = (builder != null) ? builder.wrap(target) : target;
	}

	/** The hotspots accounting with this configuration, closed at tear-down. */
	private MapObserver accounting(HotspotsConfig config) {
		this.hotspots = Hotspots.create(config);
		return this.hotspots.create("bench", GuardMode.GUARD);
	}

	@Setup(Level.Iteration)
	public void nextIteration() {
		this.map = (this.iteration++ % 2 == 0) ? this.off : this.other;
	}

	@TearDown
	public void tearDown() {
		if (this.hotspots != null) {
			this.hotspots.close();
		}
	}

	@Benchmark
	public Integer readMostly(AccountingBenchmark.Cursor cursor) {
		Integer key = this.keys[cursor.next() & MASK];
		if (cursor.nextIsWrite()) {
			return this.map.put(key, key);
		}
		return this.map.get(key);
	}

	@Benchmark
	public Integer reads(AccountingBenchmark.Cursor cursor) {
		return this.map.get(this.keys[cursor.next() & MASK]);
	}

	@Benchmark
	public Integer writes(AccountingBenchmark.Cursor cursor) {
		Integer key = this.keys[cursor.next() & MASK];
		return this.map.put(key, key);
	}

}
