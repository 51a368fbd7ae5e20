package dev.safemap.benchmarks;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.jfr.SafeMapFlightRecorder;
import jdk.jfr.Recording;
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
 * The cost of SafeMap's flight recorder events on the path that emits the most of them: the hot-key
 * counter ({@code increment} on 16 keys) of an observed guard-mode map, whose contended writes call
 * {@link SafeMapEvents#contended}. Run at 2 threads ({@code -t 2}) so that writes meet.
 * <ul>
 * <li>{@code NO_RECORDING}: no flight recording in the JVM (the events are checked, never enabled);</li>
 * <li>{@code RECORDING_WITHOUT_SAFEMAP}: the JDK's default recording runs, SafeMap's contended event is
 * off (its default);</li>
 * <li>{@code SAFEMAP_SETTINGS}: SafeMap's settings file (1 ms wait threshold) beside the JDK's
 * default;</li>
 * <li>{@code EVERY_WAIT}: the same with a 0 ns threshold, so every contended write is recorded (a
 * key mask and a stack walk each): the worst case, not a setting to run with.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlightRecorderBenchmark {

	/** What is recording. */
	public enum Jfr {

		NO_RECORDING, RECORDING_WITHOUT_SAFEMAP, SAFEMAP_SETTINGS, EVERY_WAIT

	}

	@Param
	public Jfr jfr;

	GuardedMap<String, Long> counters;

	final String[] hotKeys = new String[16];

	Recording recording;

	@Setup
	public void setUp() throws Exception {
		for (int i = 0; i < this.hotKeys.length; i++) {
			this.hotKeys[i] = "/endpoint/" + i;
		}
		// an observer without a sampler: every write is watched on its stripe, so contention is measured
		this.counters = GuardedMap.builder("counters").observer(new MapObserver() {
		}).wrap(new HashMap<>());
		switch (this.jfr) {
			case NO_RECORDING -> this.recording = null;
			case RECORDING_WITHOUT_SAFEMAP -> this.recording = new Recording(jdk.jfr.Configuration.getConfiguration("default"));
			case SAFEMAP_SETTINGS -> this.recording = new Recording(SafeMapFlightRecorder.settingsWith("default"));
			case EVERY_WAIT -> {
				this.recording = new Recording(SafeMapFlightRecorder.settingsWith("default"));
				this.recording.enable(SafeMapEvents.CONTENDED).with("waitThreshold", "0 ns");
			}
		}
		if (this.recording != null) {
			this.recording.setToDisk(true);
			this.recording.start();
		}
	}

	@TearDown
	public void tearDown() {
		if (this.recording != null) {
			this.recording.close();
		}
	}

	@Benchmark
	public long increment(GuardedMapBenchmark.Cursor cursor) {
		return this.counters.increment(this.hotKeys[cursor.index++ & 15]);
	}

}
