package dev.safemap.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReadSamplerTests {

	private final ReadWindow window = new ReadWindow();

	@Test
	void keyedReadsGoToTheSamplerAndEverythingElseToTheObserver() {
		ReadSampler sampler = new ReadSampler(this.window, new AtomicReferenceArray<>(16), 1.0);
		List<MapOperation> reported = new ArrayList<>();
		MapObserver observer = new MapObserver() {
			@Override
			public synchronized void operation(MapOperation operation, Object key) {
				reported.add(operation);
			}

			@Override
			public ReadSampler readSampler() {
				return sampler;
			}
		};
		Map<String, Integer> map = GuardedMap.builder("m").observer(observer).wrap(new HashMap<String, Integer>());
		this.window.open();
		map.put("a", 1);
		map.get("a");
		map.getOrDefault("b", 0);
		map.containsKey("a");
		map.size();

		assertThat(reported).containsExactly(MapOperation.PUT, MapOperation.SIZE);
		assertThat(sampler.harvest(MapOperation.GET)).isEqualTo(2);
		assertThat(sampler.harvest(MapOperation.CONTAINS_KEY)).isEqualTo(1);
		assertThat(sampler.harvest(MapOperation.PUT)).isZero();
	}

	@Test
	void countsOnlyWhileTheWindowIsOpenAndAHarvestTakesTheCount() {
		ReadSampler sampler = new ReadSampler(this.window, new AtomicReferenceArray<>(16), 0.0);
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
		ReadSampler none = new ReadSampler(this.window, slots, 0.0);
		for (int i = 0; i < 10_000; i++) {
			none.record(MapOperation.GET, "k");
		}
		for (int i = 0; i < slots.length(); i++) {
			assertThat(slots.get(i)).as("key share 0 keeps no key").isNull();
		}

		ReadSampler all = new ReadSampler(this.window, slots, 1.0);
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
		assertThatIllegalArgumentException().isThrownBy(() -> new ReadSampler(null, slots, 1.0))
			.withMessageContaining("window");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ReadSampler(this.window, new AtomicReferenceArray<>(12), 1.0))
			.withMessageContaining("power of two")
			.withMessageContaining("12");
		assertThatIllegalArgumentException().isThrownBy(() -> new ReadSampler(this.window, slots, 1.5))
			.withMessageContaining("keyShare")
			.withMessageContaining("1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> new ReadSampler(this.window, slots, Double.NaN))
			.withMessageContaining("NaN");
	}

}
