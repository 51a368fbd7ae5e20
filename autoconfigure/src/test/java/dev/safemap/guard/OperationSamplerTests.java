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
		// every write of a hot stripe watched (no draw): the hot stripes' memory alone decides
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0, 1);
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
	void whileAStripeIsHotOneWriteInEightIsDrawnForWatchingAndAMeasuredMeetingCountsSixtyFour() {
		OperationSampler sampler = new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0);
		int writes = 80_000;
		assertThat(countNotIdle(sampler, writes)).as("nothing hot: every write idle").isZero();
		sampler.sameKeyMet(3);
		// binomial(80,000, 1/8): mean 10,000, standard deviation 94; the bounds are 10 deviations away
		assertThat(countNotIdle(sampler, writes)).isBetween(9_000, 11_000);
		assertThat(sampler.hotWeight()).isEqualTo(64);
		this.window.open();
		assertThat(countNotIdle(sampler, writes)).as("window open: every write watched").isEqualTo(writes);
		assertThat(sampler.watchedWrite(MapOperation.PUT, "k")).as("watched in the window").isTrue();
		this.window.close();
		assertThat(sampler.watchedWrite(MapOperation.PUT, "k")).as("drawn outside the window").isFalse();
	}

	@Test
	void rejectsAHotSamplingThatIsNotAPowerOfTwo() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OperationSampler(this.window, new AtomicReferenceArray<>(16), 0.0, 6))
			.withMessageContaining("6");
	}

	private static int countNotIdle(OperationSampler sampler, int writes) {
		int notIdle = 0;
		for (int i = 0; i < writes; i++) {
			if (!sampler.idle()) {
				notIdle++;
			}
		}
		return notIdle;
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
