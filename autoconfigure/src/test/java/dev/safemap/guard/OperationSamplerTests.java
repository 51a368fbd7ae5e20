package dev.safemap.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OperationSamplerTests {

	private final ReadWindow window = new ReadWindow();

	@Test
	void keyedReadsAndWritesGoToTheSamplerAndKeylessOperationsToTheObserver() {
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 1.0);
		List<MapOperation> reported = new ArrayList<>();
		MapObserver observer = new MapObserver() {
			@Override
			public synchronized void operation(MapOperation operation, Object key) {
				reported.add(operation);
			}

			@Override
			public OperationSampler operationSampler() {
				return sampler;
			}
		};
		Map<String, Integer> map = GuardedMap.builder("m").observer(observer).wrap(new HashMap<String, Integer>());
		this.window.open();
		map.put("a", 1);
		map.get("a");
		map.getOrDefault("b", 0);
		map.containsKey("a");
		map.merge("a", 1, Integer::sum);
		map.remove("b");
		map.size();
		map.clear();

		assertThat(reported).containsExactly(MapOperation.SIZE, MapOperation.CLEAR);
		assertThat(sampler.harvest(MapOperation.GET)).isEqualTo(2);
		assertThat(sampler.harvest(MapOperation.CONTAINS_KEY)).isEqualTo(1);
		assertThat(sampler.harvest(MapOperation.PUT)).isEqualTo(1);
		assertThat(sampler.harvest(MapOperation.MERGE)).isEqualTo(1);
		assertThat(sampler.harvest(MapOperation.REMOVE)).isEqualTo(1);
		assertThat(sampler.harvest(MapOperation.CLEAR)).as("keyless: reported to the observer").isZero();
	}

	@Test
	void writesMadeWhileTheWindowIsOpenAreCountedExactlyFromManyThreads() throws Exception {
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0);
		MapObserver observer = new MapObserver() {
			@Override
			public OperationSampler operationSampler() {
				return sampler;
			}
		};
		Map<Integer, Integer> map = GuardedMap.builder("m").observer(observer).wrap(new HashMap<Integer, Integer>());
		int threads = 4;
		int each = 50_000;
		Thread[] workers = new Thread[threads];
		this.window.open();
		for (int t = 0; t < threads; t++) {
			workers[t] = new Thread(() -> {
				for (int i = 0; i < each; i++) {
					// 8 keys: the threads keep meeting on the same stripes and keys, where a count that
					// is not atomic would lose increments
					map.merge(i & 7, 1, Integer::sum);
				}
			});
		}
		for (Thread worker : workers) {
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join();
		}
		assertThat(sampler.harvest(MapOperation.MERGE)).isEqualTo((long) threads * each);
		assertThat(map.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * each);
	}

	@Test
	void isIdleOnlyWhileTheWindowIsClosedAndNoStripeIsHot() {
		// no hot window: every write of a hot stripe watched, the hot stripes' memory alone decides
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0);
		assertThat(sampler.idle()).isTrue();
		this.window.open();
		assertThat(sampler.idle()).as("window open").isFalse();
		this.window.close();
		assertThat(sampler.idle()).isTrue();

		sampler.sameKeyMet(5);
		for (int period = 1; period < OperationSampler.HOT_PERIODS; period++) {
			sampler.coolDown();
			assertThat(sampler.idle()).as("stripe 5 still hot after %d periods", period).isFalse();
			assertThat(sampler.watches(5)).isTrue();
			assertThat(sampler.watches(6)).isFalse();
		}
		sampler.coolDown();
		assertThat(sampler.idle()).as("cooled down").isTrue();

		sampler.sameKeyMet(5);
		sampler.coolDown();
		sampler.sameKeyMet(9);
		for (int period = 1; period < OperationSampler.HOT_PERIODS; period++) {
			sampler.coolDown();
		}
		assertThat(sampler.idle()).as("stripe 9 met a period after stripe 5: still hot").isFalse();
		sampler.coolDown();
		assertThat(sampler.idle()).isTrue();

		sampler.watchAll();
		assertThat(sampler.idle()).as("every stripe watched").isFalse();
	}

	@Test
	void outsideTheWindowAHotStripesWritesAreWatchedOnlyWhileTheHotWindowIsOpenAndCountItsWeight() {
		ReadWindow hotWindow = new ReadWindow();
		OperationSampler sampler = new OperationSampler(this.window, hotWindow, new AtomicReferenceArray<>(16), 0.0);
		assertThat(sampler.idle()).isTrue();
		hotWindow.open();
		assertThat(sampler.idle()).as("hot window open, but no stripe hot").isTrue();
		sampler.sameKeyMet(3);
		assertThat(sampler.idle()).as("a stripe hot, hot window open").isFalse();
		assertThat(sampler.watches(3)).isTrue();
		assertThat(sampler.watches(4)).as("a stripe that is not hot").isFalse();
		assertThat(sampler.watchedWrite(MapOperation.PUT, "k")).as("watched in the hot window only").isFalse();
		hotWindow.close();
		assertThat(sampler.idle()).as("a stripe hot, hot window closed").isTrue();
		assertThat(sampler.watches(3)).isFalse();
		this.window.open();
		assertThat(sampler.watches(4)).as("the window watches every stripe").isTrue();
		assertThat(sampler.watchedWrite(MapOperation.PUT, "k")).as("watched in the window").isTrue();
		this.window.close();

		assertThat(sampler.hotWeight()).as("before the hot window was weighed").isEqualTo(1);
		hotWindow.weigh(8_000_000.0 / 1_010_000);
		assertThat(sampler.hotWeight()).as("period over open time, rounded").isEqualTo(8);
		hotWindow.weigh(0.2);
		assertThat(sampler.hotWeight()).as("never below 1").isEqualTo(1);
	}

	@Test
	void countsOnlyWhileTheWindowIsOpenAndAHarvestTakesTheCount() {
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0);
		sampler.record(MapOperation.GET, "k");
		this.window.open();
		sampler.record(MapOperation.GET, "k");
		sampler.record(MapOperation.GET, "k");
		this.window.close();
		sampler.record(MapOperation.GET, "k");

		assertThat(sampler.harvest(MapOperation.GET)).isEqualTo(2);
		assertThat(sampler.harvest(MapOperation.GET)).isZero();
	}

	@Test
	void keepsTheKeysOfTheConfiguredShareOfCountedReads() {
		AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(1024);
		this.window.open();
		OperationSampler none = new OperationSampler(this.window, slots, 0.0);
		for (int i = 0; i < 10_000; i++) {
			none.record(MapOperation.GET, "k");
		}
		for (int i = 0; i < slots.length(); i++) {
			assertThat(slots.get(i)).as("key share 0 keeps no key").isNull();
		}

		OperationSampler all = new OperationSampler(this.window, slots, 1.0);
		for (int i = 0; i < 10_000; i++) {
			all.record(MapOperation.GET, "k");
		}
		int kept = 0;
		for (int i = 0; i < slots.length(); i++) {
			kept += "k".equals(slots.get(i)) ? 1 : 0;
		}
		// 10,000 keys thrown at random into 1,024 slots leave 1,024 * e^-9.8 (about 0.06) empty on average
		assertThat(kept).isGreaterThan(1000);
	}

	@Test
	void rejectsBadArgumentsWithTheValueInTheMessage() {
		AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(8);
		assertThatIllegalArgumentException().isThrownBy(() -> new OperationSampler(null, slots, 1.0))
			.withMessageContaining("window");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OperationSampler(this.window, new AtomicReferenceArray<>(12), 1.0))
			.withMessageContaining("power of two")
			.withMessageContaining("12");
		assertThatIllegalArgumentException().isThrownBy(() -> new OperationSampler(this.window, slots, 1.5))
			.withMessageContaining("keyShare")
			.withMessageContaining("1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> new OperationSampler(this.window, slots, Double.NaN))
			.withMessageContaining("NaN");
	}

}
