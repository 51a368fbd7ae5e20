package dev.safemap.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Watch mode is guard mode plus lost-update detection on the reads made while its watch window is
 * open. The window (opened and closed by the test) and the clock are injected and interleavings
 * forced with futures, so every verdict is deterministic.
 */
class WatchModeTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	private final GuardedMapRegistry registry = new GuardedMapRegistry(1_000);

	private final List<RaceReport> observed = new CopyOnWriteArrayList<>();

	private final MapObserver observer = new MapObserver() {
		@Override
		public void race(RaceReport report) {
			WatchModeTests.this.observed.add(report);
		}
	};

	/** Watch mode's clock: still unless a test moves it. */
	private final AtomicLong now = new AtomicLong();

	/** The watch window: open unless a test closes it. */
	private final ReadWindow window = new ReadWindow();

	WatchModeTests() {
		this.window.open();
	}

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	private <K, V> GuardedMap<K, V> watch(String name, Map<K, V> map) {
		return GuardedMap.builder(name)
			.mode(GuardMode.WATCH)
			.registry(this.registry)
			.observer(this.observer)
			.ticker(this.now::get)
			.watchWindow(this.window)
			.wrap(map);
	}

	private void lostUpdate(GuardedMap<String, Integer> map) throws Exception {
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		map.put("k", seen + 1);
	}

	@Test
	void checkThenActLostUpdateIsReportedWithBothWriters() throws Exception {
		GuardedMap<String, Integer> map = watch("counts", new HashMap<>(Map.of("k", 1)));
		lostUpdate(map);
		assertThat(this.registry.recentReports("counts")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.LOST_UPDATE);
			assertThat(report.operation()).isEqualTo(MapOperation.PUT);
			assertThat(report.site().methodName()).isEqualTo("lostUpdate");
			assertThat(report.otherSite().methodName()).startsWith("lambda$lostUpdate");
			assertThat(report.otherThread()).isNotEqualTo(report.thread());
			assertThat(report.maskedKey()).isEqualTo(KeyMasker().mask("k"));
		});
		assertThat(this.observed).hasSize(1);
		assertThat(map.get("k")).isEqualTo(2); // the other thread's 100 was lost, as reported
	}

	private static dev.safemap.support.KeyMasker KeyMasker() {
		return dev.safemap.support.KeyMasker.shared();
	}

	@Test
	void theMapIsAGuardModeMap() {
		Map<String, Integer> original = new HashMap<>(Map.of("a", 1));
		GuardedMap<String, Integer> map = watch("safe", original);
		assertThat(map.mode()).isEqualTo(GuardMode.WATCH);
		assertThat(map.originalType()).isEqualTo(HashMap.class);
		map.put("b", 2);
		assertThat(original).doesNotContainKey("b"); // contents moved into a concurrent map, as in guard mode
		assertThat(map).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2));
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> map.put(null, 1))
			.withMessageContaining("safe");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> map.get(null))
			.withMessageContaining("safe");
		assertThat(map.increment("c")).isEqualTo(1);
		assertThat(this.registry.maps()).extracting(GuardedMapRegistry.MapInfo::map).containsExactly(map);
	}

	@Test
	void theAtomicFixIsNotReported() throws Exception {
		GuardedMap<String, Integer> map = watch("merged", new HashMap<>(Map.of("k", 1)));
		map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		map.merge("k", 1, Integer::sum);
		map.put("k", 7); // the watch ended with the merge: a later write has nothing to lose
		assertThat(this.registry.recentReports("merged")).isEmpty();
		assertThat(this.registry.raceCount("merged")).isZero();
	}

	@Test
	void aWriteBasedOnALaterReadIsNotReported() throws Exception {
		GuardedMap<String, Integer> map = watch("reread", new HashMap<>(Map.of("k", 1)));
		map.get("k"); // watched
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		Integer seen = map.get("k"); // watched again: it sees the other write, the earlier watch is replaced
		map.put("k", seen + 1);
		assertThat(this.registry.recentReports("reread")).isEmpty();
		assertThat(map.get("k")).isEqualTo(101);
	}

	@Test
	void aWriteBasedOnAReadAfterTheWindowClosedIsNotReported() throws Exception {
		GuardedMap<String, Integer> map = watch("reread-closed", new HashMap<>(Map.of("k", 1)));
		map.get("k"); // watched
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		this.window.close();
		Integer seen = map.get("k"); // not watched, but it sees the other write: the closed window's watch is void
		map.put("k", seen + 1);
		assertThat(this.registry.recentReports("reread-closed")).isEmpty();
		assertThat(map.get("k")).isEqualTo(101);
	}

	@Test
	void whileTheWindowIsClosedReadsPlaceNoWatch() throws Exception {
		this.window.close();
		GuardedMap<String, Integer> map = watch("closed", new HashMap<>(Map.of("k", 1)));
		map.get("k");
		map.getOrDefault("k", 0);
		map.containsKey("k");
		assertThat(((WatchingMap<String, Integer>) map).table().watching("k")).isFalse();
		lostUpdate(map);
		assertThat(this.registry.raceCount("closed")).isZero();
	}

	@Test
	void whileTheWindowIsOpenEveryKeyedReadPlacesAWatch() {
		GuardedMap<String, Integer> map = watch("open", new HashMap<>(Map.of("a", 1, "b", 2, "c", 3)));
		WatchTable table = ((WatchingMap<String, Integer>) map).table();
		map.get("a");
		map.getOrDefault("b", 0);
		map.containsKey("c");
		assertThat(table.watching("a")).isTrue();
		assertThat(table.watching("b")).isTrue();
		assertThat(table.watching("c")).isTrue();
		this.window.close();
		assertThat(table.watching("a")).as("closing the window empties the table").isFalse();
	}

	@Test
	void aRaceWhoseReadWasInAnEarlierWindowIsNotReported() throws Exception {
		GuardedMap<String, Integer> map = watch("straddling", new HashMap<>(Map.of("k", 1)));
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		this.window.close();
		this.window.open();
		map.put("k", seen + 1); // a real lost update, but its read belongs to a closed window: not judged
		assertThat(this.registry.raceCount("straddling")).isZero();
	}

	@Test
	void aRaceIsReportedWhenTheWindowOpensAfterTheMapWasBuilt() throws Exception {
		this.window.close();
		GuardedMap<String, Integer> map = watch("later", new HashMap<>(Map.of("k", 1)));
		this.window.open();
		lostUpdate(map);
		assertThat(this.registry.raceCount("later")).isEqualTo(1);
	}

	@Test
	void aWriteMoreThanTheWindowAfterItsReadIsNotReported() throws Exception {
		GuardedMap<String, Integer> map = watch("late", new HashMap<>(Map.of("k", 1)));
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(DetectingMap.LOST_UPDATE_WINDOW_MILLIS) + 1);
		map.put("k", seen + 1);
		assertThat(this.registry.recentReports("late")).isEmpty();
	}

	@Test
	void anotherKeyInTheSameSlotIsNotMistakenForTheWatchedOne() throws Exception {
		GuardedMap<Object, Integer> map = watch("slots", new HashMap<>());
		Object watched = new SameHash("a");
		Object other = new SameHash("b");
		map.put(watched, 1);
		Integer seen = map.get(watched);
		this.pool.submit(() -> map.put(other, 100)).get(10, TimeUnit.SECONDS);
		map.put(watched, seen + 1);
		assertThat(this.registry.recentReports("slots")).isEmpty();
	}

	@Test
	void theSameRaceIsKeptOncePerSecondButCountedEachTime() throws Exception {
		GuardedMap<String, Integer> map = watch("repeat", new HashMap<>(Map.of("k", 1)));
		for (int i = 0; i < 3; i++) {
			lostUpdate(map);
		}
		assertThat(this.registry.raceCount("repeat")).isEqualTo(3);
		assertThat(this.registry.recentReports("repeat")).hasSize(1);
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(1));
		lostUpdate(map);
		assertThat(this.registry.recentReports("repeat")).hasSize(2);
	}

	@Test
	void aThrowingObserverDoesNotBreakTheMap() throws Exception {
		GuardedMap<String, Integer> map = GuardedMap.builder("throwing")
			.mode(GuardMode.WATCH)
			.registry(this.registry)
			.observer(new MapObserver() {
				@Override
				public void race(RaceReport report) {
					throw new IllegalStateException("observer failed");
				}
			})
			.ticker(this.now::get)
			.watchWindow(this.window)
			.wrap(new HashMap<>(Map.of("k", 1)));
		lostUpdate(map);
		assertThat(map.get("k")).isEqualTo(2);
		assertThat(this.registry.recentReports("throwing")).hasSize(1);
	}

	@Test
	void watchSamplingMustBeAPowerOfTwo() {
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.builder("m").watchSampling(3))
			.withMessageContaining("but was 3");
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.builder("m").watchSampling(0))
			.withMessageContaining("but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.builder("m").watchSampling(1 << 21));
		assertThat(GuardedMap.builder("m").mode(GuardMode.WATCH).watchSampling(1).wrap(new HashMap<>()).mode())
			.isEqualTo(GuardMode.WATCH);
	}

	/**
	 * The detect-mode false-positive case, in watch mode with every read sampled: correctly
	 * synchronized check-then-act, merges and iterations raise nothing.
	 */
	@Test
	void correctlySynchronizedUseRaisesNoReport() throws Exception {
		GuardedMap<String, Integer> map = watch("clean", new HashMap<>());
		GuardedMap<String, Long> counters = watch("clean-counters", new HashMap<>());
		int threads = 8;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(this.pool.submit(() -> {
				start.await();
				for (int i = 0; i < 5_000; i++) {
					String key = "k" + (i & 15);
					synchronized (map) {
						Integer old = map.get(key);
						map.put(key, (old != null) ? old + 1 : 1);
						map.merge("merged", 1, Integer::sum);
						if ((i & 255) == 0) {
							for (Integer value : map.values()) {
								assertThat(value).isPositive();
							}
						}
					}
					// atomic operations outside the lock: never a lost update
					map.merge("unlocked", 1, Integer::sum);
					counters.increment("counter");
					counters.get("counter");
					map.computeIfAbsent("lazy", (k) -> 1);
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(this.registry.recentReports("clean")).isEmpty();
		assertThat(this.registry.raceCount("clean")).isZero();
		assertThat(this.registry.raceCount("clean-counters")).isZero();
		assertThat(map.get("merged")).isEqualTo(threads * 5_000);
		assertThat(map.get("unlocked")).isEqualTo(threads * 5_000);
		assertThat(counters.get("counter")).isEqualTo(threads * 5_000L);
	}

	/** The same suite with the default sampling (reads watched 1/64 of the time), as a user gets it. */
	@Test
	void correctlySynchronizedUseRaisesNoReportAtTheDefaultSampling() throws Exception {
		GuardedMap<String, Integer> map = GuardedMap.builder("clean-default")
			.mode(GuardMode.WATCH)
			.registry(this.registry)
			.wrap(new ConcurrentHashMap<>());
		int threads = 4;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(this.pool.submit(() -> {
				start.await();
				for (int i = 0; i < 20_000; i++) {
					String key = "k" + (i & 15);
					synchronized (map) {
						Integer old = map.get(key);
						map.put(key, (old != null) ? old + 1 : 1);
					}
					map.merge(key + "-m", 1, Integer::sum);
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(this.registry.raceCount("clean-default")).isZero();
	}

	/** Distinct keys with one hash: they share a slot. */
	private record SameHash(String name) {

		@Override
		public int hashCode() {
			return 42;
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof SameHash other && other.name.equals(this.name);
		}

	}

}
