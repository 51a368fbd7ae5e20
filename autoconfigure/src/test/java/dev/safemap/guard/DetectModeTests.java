package dev.safemap.guard;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.safemap.support.KeyMasker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Detect mode reports the three unsafe patterns with both call sites, and nothing for correctly
 * synchronized use. Interleavings are forced with latches, so every report is deterministic.
 */
class DetectModeTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	private final GuardedMapRegistry registry = new GuardedMapRegistry(1_000);

	private final List<RaceReport> observed = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final MapObserver observer = new MapObserver() {
		@Override
		public void race(RaceReport report) {
			DetectModeTests.this.observed.add(report);
		}
	};

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	/**
	 * Detect mode's clock: it stands still unless a test moves it, so that the 1 s lost-update and
	 * idle-iteration windows never close on a slow machine in the middle of a test.
	 */
	private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();

	private <K, V> GuardedMap<K, V> detect(String name, Map<K, V> map) {
		return GuardedMap.builder(name)
			.mode(GuardMode.DETECT)
			.registry(this.registry)
			.observer(this.observer)
			.ticker(this.now::get)
			.wrap(map);
	}

	@Test
	void aWriteMoreThanTheWindowAfterItsReadIsNotReportedAsALostUpdate() throws Exception {
		GuardedMap<String, Integer> map = detect("late", new HashMap<>(Map.of("k", 1)));
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(DetectingMap.LOST_UPDATE_WINDOW_MILLIS) + 1);
		map.put("k", seen + 1);
		assertThat(this.registry.recentReports("late")).isEmpty();
	}

	@Test
	void anIteratorIdleForLongerThanItsWindowNoLongerCountsAsIterating() throws Exception {
		GuardedMap<String, Integer> map = detect("idle", new HashMap<>(Map.of("a", 1, "b", 2)));
		Iterator<String> keys = map.keySet().iterator();
		keys.next();
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(DetectingMap.ITERATION_IDLE_MILLIS) + 1);
		this.pool.submit(() -> map.put("c", 3)).get(10, TimeUnit.SECONDS);
		assertThat(this.registry.recentReports("idle")).isEmpty();
	}

	@Test
	void twoThreadsWritingAtOnceAreReportedWithBothCallSites() throws Exception {
		GuardedMap<String, Integer> map = detect("writes", new HashMap<>());
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> slowWriter = this.pool.submit(() -> map.compute("a", (k, v) -> {
			inside.countDown();
			await(release);
			return 1;
		}));
		assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
		this.pool.submit(() -> map.put("b", 2)).get(10, TimeUnit.SECONDS);
		release.countDown();
		// detect mode keeps the HashMap's own behaviour: its compute saw the other write and gave up
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> slowWriter.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(ConcurrentModificationException.class);

		assertThat(this.registry.recentReports("writes")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.CONCURRENT_WRITE);
			assertThat(report.operation()).isEqualTo(MapOperation.PUT);
			assertThat(report.maskedKey()).isEqualTo(KeyMasker.shared().mask("b"));
			assertThat(report.site().className()).isEqualTo(DetectModeTests.class.getName());
			assertThat(report.site().methodName()).contains("twoThreadsWritingAtOnce");
			assertThat(report.otherSite().className()).isEqualTo(DetectModeTests.class.getName());
			assertThat(report.otherSite().methodName()).contains("twoThreadsWritingAtOnce");
			assertThat(report.site().lineNumber()).isNotEqualTo(report.otherSite().lineNumber()).isPositive();
			assertThat(report.thread()).isNotEqualTo(report.otherThread());
		});
		assertThat(this.observed).containsExactlyElementsOf(this.registry.recentReports("writes"));
	}

	@Test
	void aWriteIsActiveForItsWholeCallSoAWriteDuringItsObserverCallIsReported() throws Exception {
		// the first write is held inside its call (in the observer, before it touches the map): the two calls
		// overlap in time without synchronization, whichever part of the call the other write meets
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		MapObserver slowObserver = new MapObserver() {
			@Override
			public void operation(MapOperation operation, Object key) {
				if ("a".equals(key)) {
					inside.countDown();
					await(release);
				}
			}
		};
		GuardedMap<String, Integer> map = GuardedMap.builder("whole-call")
			.mode(GuardMode.DETECT)
			.registry(this.registry)
			.observer(slowObserver)
			.ticker(this.now::get)
			.wrap(new HashMap<>());
		Future<?> slowWriter = this.pool.submit(() -> map.put("a", 1));
		assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
		this.pool.submit(() -> map.put("b", 2)).get(10, TimeUnit.SECONDS);
		assertThat(this.registry.raceCount("whole-call")).as("counted when found").isOne();
		assertThat(this.registry.recentReports("whole-call")).as("reported when the first write gives its site").isEmpty();
		release.countDown();
		slowWriter.get(10, TimeUnit.SECONDS);

		assertThat(this.registry.recentReports("whole-call")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.CONCURRENT_WRITE);
			assertThat(report.site().methodName()).contains("aWriteIsActiveForItsWholeCall");
			assertThat(report.otherSite().methodName()).contains("aWriteIsActiveForItsWholeCall");
			assertThat(report.site().lineNumber()).isNotEqualTo(report.otherSite().lineNumber());
			assertThat(report.thread()).isNotEqualTo(report.otherThread());
		});
	}

	@Test
	void aWriteDuringAnotherThreadsIterationIsReportedWithBothCallSites() throws Exception {
		GuardedMap<String, Integer> map = detect("iterated", new HashMap<>(Map.of("a", 1, "b", 2, "c", 3)));
		CountDownLatch iterating = new CountDownLatch(1);
		CountDownLatch written = new CountDownLatch(1);
		Future<?> reader = this.pool.submit(() -> {
			Iterator<String> keys = map.keySet().iterator();
			keys.next();
			iterating.countDown();
			await(written);
			return null; // the HashMap iterator would throw on its next call: detect mode keeps behaviour
		});
		assertThat(iterating.await(10, TimeUnit.SECONDS)).isTrue();
		this.pool.submit(() -> map.put("d", 4)).get(10, TimeUnit.SECONDS);
		written.countDown();
		reader.get(10, TimeUnit.SECONDS);

		assertThat(this.registry.recentReports("iterated")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.WRITE_DURING_ITERATION);
			assertThat(report.site().methodName()).contains("aWriteDuringAnotherThreadsIteration");
			assertThat(report.otherSite().methodName()).contains("aWriteDuringAnotherThreadsIteration");
			assertThat(report.site().lineNumber()).isNotEqualTo(report.otherSite().lineNumber());
		});
	}

	@Test
	void checkThenActLostUpdateIsReportedWithBothWriters() throws Exception {
		GuardedMap<String, Integer> map = detect("counts", new HashMap<>(Map.of("k", 1)));
		lostUpdate(map);
		assertThat(this.registry.recentReports("counts")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.LOST_UPDATE);
			assertThat(report.operation()).isEqualTo(MapOperation.PUT);
			assertThat(report.site().methodName()).isEqualTo("lostUpdate");
			assertThat(report.otherSite().methodName()).startsWith("lambda$lostUpdate");
			assertThat(report.site().lineNumber()).isNotEqualTo(report.otherSite().lineNumber());
		});
		assertThat(map.get("k")).isEqualTo(2); // the other thread's 100 was lost, as reported
	}

	@Test
	void checkThenActOnAConcurrentHashMapIsReported() throws Exception {
		// failure catalogue #3: every call is atomic, so no data-race detector sees anything
		GuardedMap<String, Integer> map = detect("chm", new ConcurrentHashMap<>(Map.of("k", 1)));
		lostUpdate(map);
		assertThat(this.registry.recentReports("chm")).extracting(RaceReport::kind)
			.containsExactly(RaceReport.Kind.LOST_UPDATE);
	}

	private void lostUpdate(GuardedMap<String, Integer> map) throws Exception {
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		map.put("k", seen + 1);
	}

	@Test
	void showKeysPutsTheRawKeyInTheReport() throws Exception {
		GuardedMap<String, Integer> map = GuardedMap.builder("shown")
			.mode(GuardMode.DETECT)
			.registry(this.registry)
			.showKeys(true)
			.wrap(new HashMap<>(Map.of("k", 1)));
		lostUpdate(map);
		assertThat(this.registry.recentReports("shown")).singleElement()
			.satisfies((report) -> assertThat(report.maskedKey()).isEqualTo("k"));
	}

	@Test
	void onlyTheUnsynchronizedCallIsReportedInOtherwiseLockedUse() throws Exception {
		Map<String, Integer> original = new HashMap<>();
		for (int i = 0; i < 16; i++) {
			original.put("k" + i, 0); // every key exists up front: no resize while threads race
		}
		original.put("merged", 0);
		GuardedMap<String, Integer> map = detect("synchronized", original);
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
						map.put(key, old + 1);
					}
					try {
						unlockedMerge(map);
					}
					catch (ConcurrentModificationException ex) {
						// a HashMap raced like this may throw: detect mode keeps its behaviour
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		// the unlocked merge is a real race on a HashMap: every report must name it as one of its two sites
		assertThat(this.registry.recentReports("synchronized")).isNotEmpty()
			.allSatisfy((report) -> assertThat(List.of(report.site().methodName(), report.otherSite().methodName()))
				.contains("unlockedMerge"));
	}

	@Test
	void correctlySynchronizedUseRaisesNoReport() throws Exception {
		GuardedMap<String, Integer> map = detect("clean", new HashMap<>());
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
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(this.registry.recentReports("clean")).isEmpty();
		assertThat(map.get("merged")).isEqualTo(threads * 5_000);
	}

	@Test
	void millionIncrementsWithGetThenPutOnAPlainHashMapAreReported() throws Exception {
		GuardedMap<String, Long> map = detect("hashmap-counters", new HashMap<>());
		int threads = 8;
		int perThread = 1_000_000 / threads;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int offset = t;
			futures.add(this.pool.submit(() -> {
				start.await();
				for (int i = 0; i < perThread; i++) {
					String key = "endpoint-" + ((i + offset) & 15);
					Long old = map.get(key);
					map.put(key, (old != null) ? old + 1 : 1L); // the counter[k]++ bug
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(120, TimeUnit.SECONDS);
		}
		assertThat(this.registry.raceCount("hashmap-counters")).isPositive();
		assertThat(this.registry.recentReports("hashmap-counters")).extracting(RaceReport::kind)
			.contains(RaceReport.Kind.LOST_UPDATE);
	}

	private static void unlockedMerge(Map<String, Integer> map) {
		map.merge("merged", 1, Integer::sum); // merge is not atomic on a HashMap, and this one is not locked
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
