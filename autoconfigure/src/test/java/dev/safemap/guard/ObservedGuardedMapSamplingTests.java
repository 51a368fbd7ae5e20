package dev.safemap.guard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guard-mode map whose observer has an {@link OperationSampler}: reads counted only while the window
 * is open, writes watched (and contention seen) only while the window is open or on a stripe where
 * writes of one key met lately.
 */
class ObservedGuardedMapSamplingTests {

	private final ReadWindow window = new ReadWindow();

	/** No hot window: every write of a hot stripe watched outside the window. */
	private OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0);

	private final List<String> contended = new CopyOnWriteArrayList<>();

	private final List<Integer> weights = new CopyOnWriteArrayList<>();

	private Map<String, Integer> map = mapObservedBy(this.sampler);

	private Map<String, Integer> mapObservedBy(OperationSampler operationSampler) {
		return GuardedMap.builder("m").observer(new MapObserver() {
			@Override
			public OperationSampler operationSampler() {
				return operationSampler;
			}

			@Override
			public void contended(MapOperation operation, Object key, int segment, long waitNanos, int weight) {
				ObservedGuardedMapSamplingTests.this.weights.add(weight);
				ObservedGuardedMapSamplingTests.this.contended.add(operation + " " + key);
			}
		}).wrap(new HashMap<String, Integer>(Map.of("a", 1)));
	}

	@Test
	void readsAreCountedOnlyWhileTheWindowIsOpenAndAlwaysAnswered() {
		assertThat(this.map.get("a")).isEqualTo(1);
		assertThat(this.map.containsKey("a")).isTrue();
		this.window.open();
		assertThat(this.map.get("a")).isEqualTo(1);
		assertThat(this.map.getOrDefault("b", 7)).isEqualTo(7);
		assertThat(this.map.containsKey("b")).isFalse();
		this.window.close();
		assertThat(this.map.get("a")).isEqualTo(1);
		assertThat(this.map.getOrDefault("a", 7)).isEqualTo(1);

		assertThat(this.sampler.harvest(MapOperation.GET)).isEqualTo(2);
		assertThat(this.sampler.harvest(MapOperation.CONTAINS_KEY)).isEqualTo(1);
	}

	@Test
	void aMapBuiltWhileTheWindowIsOpenCountsFromItsFirstRead() {
		ReadWindow open = new ReadWindow();
		open.open();
		OperationSampler late = new OperationSampler(open, new AtomicReferenceArray<>(16), 0.0);
		Map<String, Integer> built = GuardedMap.builder("late").observer(new MapObserver() {
			@Override
			public OperationSampler operationSampler() {
				return late;
			}
		}).wrap(new HashMap<String, Integer>());
		built.get("x");
		open.close();
		built.get("x");

		assertThat(late.harvest(MapOperation.GET)).isEqualTo(1);
	}

	@Test
	void keyedWritesAreCountedOnlyWhileTheWindowIsOpen() {
		this.map.put("a", 2);
		this.map.merge("a", 1, Integer::sum);
		this.window.open();
		this.map.put("a", 5);
		this.window.close();
		this.map.remove("a");

		assertThat(this.sampler.harvest(MapOperation.PUT)).as("only the put made in the window").isEqualTo(1);
		assertThat(this.sampler.harvest(MapOperation.MERGE)).isZero();
		assertThat(this.sampler.harvest(MapOperation.REMOVE)).isZero();
		assertThat(this.map).isEmpty();
	}

	@Test
	void contentionIsSeenInTheWindowThenOnThatStripeUntilItHasCooledDown() throws Exception {
		assertThat(contendOn("k")).as("outside the window, on a stripe never contended: not measured").isFalse();

		this.window.open();
		assertThat(contendOn("k")).as("in the window").isTrue();
		this.window.close();

		assertThat(contendOn("k")).as("after the window, on the stripe just contended").isTrue();
		for (int i = 0; i < OperationSampler.HOT_PERIODS - 1; i++) {
			this.sampler.coolDown();
		}
		assertThat(contendOn("k")).as("contended again: the stripe's memory starts over").isTrue();
		for (int i = 0; i < OperationSampler.HOT_PERIODS; i++) {
			this.sampler.coolDown();
		}
		assertThat(contendOn("k")).as("cooled down: back to unlocked writes").isFalse();
		assertThat(this.map.get("k")).as("every write applied, measured or not").isEqualTo(10);
	}

	@Test
	void outsideTheWindowAHotStripeIsWatchedInTheHotWindowOnlyAndAMeetingThereStandsForItsWeight() throws Exception {
		ReadWindow hotWindow = new ReadWindow();
		hotWindow.weigh(8.0);
		this.sampler = new OperationSampler(this.window, hotWindow, new AtomicReferenceArray<>(16), 0.0);
		this.map = mapObservedBy(this.sampler);
		this.window.open();
		assertThat(contendOn("k")).as("in the window: every write watched").isTrue();
		this.window.close();
		assertThat(contendOn("k")).as("hot stripe, hot window closed: not watched").isFalse();
		hotWindow.open();
		assertThat(contendOn("k")).as("hot stripe, hot window open").isTrue();
		hotWindow.close();
		assertThat(this.weights).as("the window's meeting stands for itself, the hot window's for 8").containsExactly(1, 8);
		assertThat(this.map.get("k")).as("every write applied, measured or not").isEqualTo(6);
	}

	@Test
	void twoKeysThatOnlyShareAStripeAreReportedInTheWindowButDoNotKeepTheStripeWatched() throws Exception {
		// in this small map two keys of one stripe also share the contents' bin, which makes them wait
		// (as ConcurrentHashMap itself does): that wait is reported while it is watched
		String[] keys = twoKeysOnOneStripe();
		this.window.open();
		assertThat(contendOn(keys[0], keys[1])).as("in the window: the second key waited for the bin").isTrue();
		this.window.close();

		assertThat(contendOn(keys[0], keys[1])).as("after the window: the stripe is not kept watched").isFalse();
		assertThat(contendOn(keys[0], keys[0])).as("a key against itself: not kept watched either, outside the window")
			.isFalse();
	}

	/** Two keys with different hash codes on the same stripe. */
	private static String[] twoKeysOnOneStripe() {
		Map<Integer, String> byStripe = new HashMap<>();
		for (int i = 0;; i++) {
			String key = "key-" + i;
			String other = byStripe.putIfAbsent(ObservedGuardedMap.stripeIndex(key), key);
			if (other != null && other.hashCode() != key.hashCode()) {
				return new String[] { other, key };
			}
		}
	}

	private boolean contendOn(String key) throws Exception {
		return contendOn(key, key);
	}

	/**
	 * One thread holds {@code held} inside {@code compute} while another writes {@code written};
	 * returns whether the map reported that second write as contended.
	 */
	private boolean contendOn(String held, String written) throws Exception {
		int before = this.contended.size();
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> this.map.compute(held, (k, v) -> {
			inside.countDown();
			await(release);
			return (v != null) ? v + 1 : 1;
		}));
		holder.start();
		assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
		Thread writer = new Thread(() -> this.map.merge(written, 1, Integer::sum));
		writer.start();
		// the writer waits on the contents' bin lock, unless it has nothing to wait for
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (writer.getState() == Thread.State.RUNNABLE || writer.getState() == Thread.State.NEW) {
			assertThat(System.nanoTime()).as("writer never blocked").isLessThan(deadline);
			Thread.onSpinWait();
		}
		release.countDown();
		holder.join();
		writer.join();
		return this.contended.size() > before;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
