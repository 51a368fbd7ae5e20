package dev.safemap.guard;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guarded map with an observer times the wait of a compound write ({@code merge}, {@code compute…}) that
 * met another write on its stripe. That timing must not allocate: under contention every write meets
 * another, so an object per timed write made the write path allocate beyond what
 * {@code ConcurrentHashMap} itself does (issue 20). The test keeps one write of the stripe in flight (its
 * function waits on a latch) while the test thread writes another key of the same stripe, so that every
 * write of the test thread meets it, then counts the bytes the test thread allocated.
 */
class ContendedWriteAllocationTests {

	private static final int WRITES = 20_000;

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	@Test
	void timingTheWaitOfACompoundWriteThatMetAnotherAllocatesNothing() throws Exception {
		AtomicLong contended = new AtomicLong();
		MapObserver observer = new MapObserver() {

			@Override
			public void operation(MapOperation operation, Object key) {
			}

			@Override
			public void contended(MapOperation operation, Object key, int segment, long waitNanos) {
				contended.incrementAndGet();
			}

		};
		Map<String, Long> initial = new HashMap<>();
		for (int i = 0; i < 2_000; i++) {
			// a table large enough that two keys of one stripe sit in different bins of the contents
			initial.put("filler-" + i, 0L);
		}
		Map<String, Long> map = GuardedMap.builder("totals").observer(observer).wrap(initial);
		String held = "held";
		String mine = sameStripeOtherBin(held);
		map.put(mine, 1L);
		Long one = 1L;

		CountDownLatch inFlight = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> map.compute(held, (k, v) -> {
			inFlight.countDown();
			await(release);
			return 1L;
		}));
		holder.start();
		try {
			assertThat(inFlight.await(60, TimeUnit.SECONDS)).isTrue();
			BiFunction<Long, Long, Long> keep = (a, b) -> a;
			BiFunction<String, Long, Long> same = (k, v) -> v;
			Function<String, Long> absent = (k) -> one;
			for (int i = 0; i < 2_000; i++) {
				writeAll(map, mine, one, keep, same, absent);
			}
			long before = contended.get();
			long allocatedBefore = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
			for (int i = 0; i < WRITES; i++) {
				writeAll(map, mine, one, keep, same, absent);
			}
			long allocated = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - allocatedBefore;
			assertThat(contended.get() - before).as("every write met the one in flight").isEqualTo(4L * WRITES);
			assertThat(allocated).as("bytes allocated by %d contended compound writes", 4 * WRITES)
				.isLessThan(4L * WRITES / 8);
		}
		finally {
			release.countDown();
			holder.join();
		}
	}

	@Test
	void aContendedCompoundWriteWhoseFunctionMakesAnotherOneKeepsBothFunctionsAndBothWaits() throws Exception {
		java.util.List<String> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
		MapObserver observer = new MapObserver() {

			@Override
			public void contended(MapOperation operation, Object key, int segment, long waitNanos) {
				waits.add(key + ":" + (waitNanos >= 0));
			}

		};
		Map<String, Long> initial = new HashMap<>();
		for (int i = 0; i < 2_000; i++) {
			initial.put("filler-" + i, 0L);
		}
		Map<String, Long> outer = GuardedMap.builder("outer").observer(observer).wrap(initial);
		Map<String, Long> inner = GuardedMap.builder("inner").observer(observer).wrap(new HashMap<>(initial));
		String held = "held";
		String mine = sameStripeOtherBin(held);
		CountDownLatch inFlight = new CountDownLatch(2);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> outer.compute(held, (k, v) -> {
			inner.compute(held, (k2, v2) -> {
				inFlight.countDown();
				inFlight.countDown();
				await(release);
				return 1L;
			});
			return 1L;
		}));
		holder.start();
		try {
			assertThat(inFlight.await(60, TimeUnit.SECONDS)).isTrue();
			Long result = outer.merge(mine, 5L, (a, b) -> a + b);
			assertThat(result).isEqualTo(5L);
			result = outer.compute(mine, (k, v) -> v + inner.compute(mine, (k2, v2) -> 7L) + inner.merge(mine, 1L, Long::sum));
			assertThat(result).as("5 + 7 + 8").isEqualTo(20L);
			assertThat(inner.get(mine)).isEqualTo(8L);
			assertThat(waits).containsExactly(mine + ":true", mine + ":true", mine + ":true", mine + ":true");
		}
		finally {
			release.countDown();
			holder.join();
		}
	}

	private static void writeAll(Map<String, Long> map, String key, Long one, BiFunction<Long, Long, Long> keep,
			BiFunction<String, Long, Long> same, Function<String, Long> absent) {
		map.merge(key, one, keep);
		map.compute(key, same);
		map.computeIfPresent(key, same);
		map.computeIfAbsent(key, absent);
	}

	private static String sameStripeOtherBin(String key) {
		int stripe = ObservedGuardedMap.stripeIndex(key);
		int bin = spread(key.hashCode()) & 4095;
		for (int i = 0;; i++) {
			String candidate = "k" + i;
			if (ObservedGuardedMap.stripeIndex(candidate) == stripe && (spread(candidate.hashCode()) & 4095) != bin) {
				return candidate;
			}
		}
	}

	private static int spread(int h) {
		return (h ^ (h >>> 16)) & 0x7fffffff;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
