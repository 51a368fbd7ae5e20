package dev.safemap.guard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Guard mode of {@link GuardedMap}: the Map contract, atomic counters and the concurrency
 * guarantees the issue asks for.
 */
class GuardedMapTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void eightThreadsIncrementingSixteenHotKeysLoseNoUpdate(boolean observed) throws Exception {
		GuardedMap<String, Long> counters = GuardedMap.builder("counters")
			.observer(observed ? new MapObserver() {
			} : MapObserver.NOOP)
			.wrap(new HashMap<String, Long>());
		int threads = 8;
		int perThread = 1_000_000 / threads;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int offset = t;
			futures.add(this.pool.submit(() -> {
				start.await();
				for (int i = 0; i < perThread; i++) {
					counters.increment("endpoint-" + ((i + offset) & 15));
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(counters).hasSize(16);
		assertThat(counters.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000_000L);
		Map<String, Long> expected = new HashMap<>();
		for (int t = 0; t < threads; t++) {
			for (int i = 0; i < perThread; i++) {
				expected.merge("endpoint-" + ((i + t) & 15), 1L, Long::sum);
			}
		}
		assertThat(counters).isEqualTo(expected);
	}

	@Test
	void counterHelperKeepsTheStoredTypeAndUpdatesAtomicCountersInPlace() {
		Map<String, Object> raw = new HashMap<>();
		raw.put("int", 41);
		raw.put("atomic", new AtomicLong(9));
		raw.put("text", "x");
		@SuppressWarnings({ "unchecked", "rawtypes" })
		GuardedMap<String, Object> map = (GuardedMap) GuardedMap.guard("mixed", raw);
		assertThat(map.increment("int")).isEqualTo(42);
		assertThat(map.get("int")).isInstanceOf(Integer.class);
		assertThat(map.add("atomic", 5)).isEqualTo(14);
		assertThat(map.get("atomic")).isInstanceOf(AtomicLong.class).hasToString("14");
		assertThat(map.add("new", -3)).isEqualTo(-3);
		assertThat(map.get("new")).isEqualTo(-3L);
		assertThatIllegalStateException().isThrownBy(() -> map.increment("text"))
			.withMessageContaining("map 'mixed'")
			.withMessageContaining("java.lang.String, not a counter");
		GuardedMap<String, Integer> ints = GuardedMap.builder("ints").counterType(Integer.class).wrap(new HashMap<>());
		ints.increment("a");
		assertThat(ints.get("a")).isInstanceOf(Integer.class).isEqualTo(1);
	}

	@Test
	void nullKeysAndValuesAreRejectedWithTheMapAndOperationNamed() {
		GuardedMap<String, String> map = GuardedMap.guard("settings", new HashMap<>());
		assertThatNullPointerException().isThrownBy(() -> map.put(null, "v"))
			.withMessageContaining("map 'settings'")
			.withMessageContaining("null key in put");
		assertThatNullPointerException().isThrownBy(() -> map.put("k", null))
			.withMessageContaining("map 'settings'")
			.withMessageContaining("null value in put");
		assertThatNullPointerException().isThrownBy(() -> map.get(null)).withMessageContaining("null key in get");
		assertThatNullPointerException().isThrownBy(() -> map.merge("k", null, (a, b) -> a))
			.withMessageContaining("null value in merge");
		assertThatNullPointerException().isThrownBy(() -> map.computeIfAbsent(null, (k) -> "v"))
			.withMessageContaining("null key in computeIfAbsent");
		assertThatNullPointerException().isThrownBy(() -> map.increment(null))
			.withMessageContaining("map 'settings'")
			.withMessageContaining("increment");
		GuardedMap<String, String> observed = GuardedMap.builder("observed").observer(new MapObserver() {
		}).wrap(new HashMap<>());
		assertThatNullPointerException().isThrownBy(() -> observed.putIfAbsent("k", null))
			.withMessageContaining("map 'observed'")
			.withMessageContaining("null value in putIfAbsent");
	}

	@Test
	void equalsHashCodeAndToStringBehaveAsForAnyMap() {
		Map<String, Integer> plain = new HashMap<>(Map.of("a", 1, "b", 2));
		GuardedMap<String, Integer> map = GuardedMap.guard("m", new HashMap<>(plain));
		assertThat(map).isEqualTo(plain);
		assertThat(plain).isEqualTo(map);
		assertThat(map.hashCode()).isEqualTo(plain.hashCode());
		assertThat(map.toString()).isIn("{a=1, b=2}", "{b=2, a=1}");
		assertThat(map).isNotEqualTo(Map.of("a", 1));
		GuardedMap<String, Integer> ordered = GuardedMap.guard("o", new LinkedHashMap<>(Map.of("a", 1)));
		ordered.put("z", 26);
		assertThat(ordered).isEqualTo(Map.of("a", 1, "z", 26)).hasToString("{a=1, z=26}");
		assertThat(ordered.hashCode()).isEqualTo(Map.of("a", 1, "z", 26).hashCode());
	}

	@Test
	void sortedMapsKeepTheirComparatorAndInsertionOrderedMapsTheirOrder() {
		TreeMap<String, Integer> tree = new TreeMap<>(Comparator.reverseOrder());
		tree.putAll(Map.of("a", 1, "b", 2, "c", 3));
		GuardedMap<String, Integer> sorted = GuardedMap.guard("sorted", tree);
		sorted.put("bb", 4);
		assertThat(new ArrayList<>(sorted.keySet())).containsExactly("c", "bb", "b", "a");
		assertThat(sorted.originalType()).isEqualTo(TreeMap.class);

		LinkedHashMap<String, Integer> linked = new LinkedHashMap<>();
		linked.put("z", 1);
		linked.put("a", 2);
		GuardedMap<String, Integer> ordered = GuardedMap.guard("ordered", linked);
		ordered.put("m", 3);
		ordered.put("z", 9);
		assertThat(new ArrayList<>(ordered.keySet())).containsExactly("z", "a", "m");
		Iterator<String> keys = ordered.keySet().iterator();
		keys.next();
		keys.remove();
		assertThat(ordered).doesNotContainKey("z").hasSize(2);
		ordered.entrySet().iterator().next().setValue(20);
		assertThat(ordered.get("a")).isEqualTo(20);
	}

	@Test
	void concurrentMapsAreWrappedNotCopied() {
		ConcurrentHashMap<String, Integer> chm = new ConcurrentHashMap<>();
		GuardedMap<String, Integer> map = GuardedMap.guard("chm", chm);
		map.put("a", 1);
		assertThat(chm).containsEntry("a", 1);
		ConcurrentSkipListMap<String, Integer> skip = new ConcurrentSkipListMap<>();
		GuardedMap.guard("skip", skip).put("b", 2);
		assertThat(skip).containsEntry("b", 2);
		Cache<String, Integer> cache = Caffeine.newBuilder().maximumSize(10).build();
		GuardedMap<String, Integer> cached = GuardedMap.guard("caffeine", cache.asMap());
		cached.put("c", 3);
		assertThat(cache.getIfPresent("c")).isEqualTo(3);
		cache.put("d", 4);
		assertThat(cached).containsEntry("d", 4);
	}

	@Test
	void mapsWhoseSemanticsACopyWouldChangeAreRefused() {
		assertThat(MapKinds.whyNotGuardable(new LinkedHashMap<>(16, 0.75f, true))).contains("access-ordered");
		assertThat(MapKinds.whyNotGuardable(new WeakHashMap<>())).contains("WeakHashMap");
		assertThat(MapKinds.whyNotGuardable(Collections.unmodifiableMap(new HashMap<>()))).contains("unmodifiable");
		assertThat(MapKinds.whyNotGuardable(Map.of())).contains("unmodifiable");
		assertThat(MapKinds.whyNotGuardable(Collections.synchronizedMap(new HashMap<>()))).contains("synchronized");
		assertThat(MapKinds.whyNotGuardable(new LinkedHashMap<String, String>() {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
				return size() > 2;
			}
		})).contains("overridden");
		assertThat(MapKinds.whyNotGuardable(new HashMap<String, String>() {
			{
				put("double", "brace");
			}
		})).isNull();
		LinkedHashMap<String, Integer> insertionOrdered = new LinkedHashMap<>(Map.of("k", 1));
		assertThat(MapKinds.whyNotGuardable(insertionOrdered)).isNull();
		assertThat(insertionOrdered).containsExactly(Map.entry("k", 1));
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.guard("lru", new LinkedHashMap<>(16, 0.75f, true)))
			.withMessageContaining("map 'lru'")
			.withMessageContaining("access-ordered");
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.builder("x").mode(GuardMode.OFF))
			.withMessageContaining("OFF");
	}

	@ParameterizedTest
	@ValueSource(strings = { "hash", "linked", "tree" })
	void iterationWhileFourThreadsWriteNeverThrowsAndSeesEveryStableKey(String kind) throws Exception {
		Map<Integer, Integer> original = switch (kind) {
			case "linked" -> new LinkedHashMap<>();
			case "tree" -> new TreeMap<>();
			default -> new HashMap<>();
		};
		for (int i = 0; i < 1_000; i++) {
			original.put(i, i);
		}
		GuardedMap<Integer, Integer> map = GuardedMap.guard("iterated", original);
		AtomicBoolean stop = new AtomicBoolean();
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int base = 10_000 * (t + 1);
			writers.add(this.pool.submit(() -> {
				int i = 0;
				while (!stop.get()) {
					// keys 0..999 stay present; writers churn keys of their own
					map.put(base + (i % 500), i);
					map.remove(base + ((i + 250) % 500));
					map.merge(i % 1_000, 1, Integer::sum);
					i++;
				}
				return null;
			}));
		}
		try {
			for (int round = 0; round < 50; round++) {
				Set<Integer> seen = new HashSet<>();
				for (Map.Entry<Integer, Integer> entry : map.entrySet()) {
					seen.add(entry.getKey());
				}
				map.forEach((k, v) -> seen.add(k));
				for (int i = 0; i < 1_000; i++) {
					assertThat(seen).contains(i);
				}
			}
		}
		finally {
			stop.set(true);
		}
		for (Future<?> writer : writers) {
			writer.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void aRemovedKeyIsNeverReadBackAsAValue() throws Exception {
		GuardedMap<Integer, String> map = GuardedMap.guard("removals", new HashMap<>());
		AtomicBoolean stop = new AtomicBoolean();
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			int base = 1_000 * (t + 1);
			writers.add(this.pool.submit(() -> {
				int i = 0;
				while (!stop.get()) {
					map.put(base + (i++ % 100), "other");
				}
				return null;
			}));
		}
		AtomicInteger wrong = new AtomicInteger();
		try {
			for (int i = 0; i < 200_000; i++) {
				int key = i % 64;
				map.put(key, "v" + i);
				map.remove(key);
				String value = map.get(key);
				if (value != null || map.containsKey(key) || map.getOrDefault(key, "absent") != "absent") {
					wrong.incrementAndGet();
				}
			}
		}
		finally {
			stop.set(true);
		}
		for (Future<?> writer : writers) {
			writer.get(10, TimeUnit.SECONDS);
		}
		assertThat(wrong).hasValue(0);
	}

	@Test
	void observerSeesOperationsAndContentionOnTheSameStripe() throws Exception {
		LongAdder operations = new LongAdder();
		LongAdder contended = new LongAdder();
		AtomicLong waited = new AtomicLong();
		MapObserver observer = new MapObserver() {
			@Override
			public void operation(MapOperation operation, Object key) {
				operations.increment();
			}

			@Override
			public void contended(MapOperation operation, Object key, int segment, long waitNanos) {
				contended.increment();
				waited.addAndGet(waitNanos);
			}
		};
		GuardedMap<String, Long> map = GuardedMap.builder("hot").observer(observer).wrap(new HashMap<>());
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> holder = this.pool.submit(() -> map.compute("k", (k, v) -> {
			inside.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return 1L;
		}));
		assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
		java.util.concurrent.atomic.AtomicReference<Thread> waiterThread = new java.util.concurrent.atomic.AtomicReference<>();
		Future<?> waiter = this.pool.submit(() -> {
			waiterThread.set(Thread.currentThread());
			return map.increment("k");
		});
		// release only once the waiter is blocked on the key's bin in the map, however slow the machine
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while ((waiterThread.get() == null || waiterThread.get().getState() == Thread.State.NEW
				|| waiterThread.get().getState() == Thread.State.RUNNABLE) && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		Thread.sleep(50);
		release.countDown();
		holder.get(10, TimeUnit.SECONDS);
		waiter.get(10, TimeUnit.SECONDS);
		assertThat(map.get("k")).isEqualTo(2L);
		assertThat(contended.sum()).isEqualTo(1);
		assertThat(waited.get()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(10));
		assertThat(operations.sum()).isEqualTo(3); // compute, increment, get
	}

	@Test
	void callSiteIsTheFirstFrameOutsideSafeMap() {
		GuardedMap<String, CallSite> map = GuardedMap.guard("sites", new HashMap<>());
		map.computeIfAbsent("here", (k) -> CallSite.capture());
		CallSite site = map.get("here");
		assertThat(site.className()).isEqualTo(GuardedMapTests.class.getName());
		assertThat(site.methodName()).startsWith("lambda$callSiteIsTheFirstFrameOutsideSafeMap");
		assertThat(site.lineNumber()).isPositive();
	}

}
