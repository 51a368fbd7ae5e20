package dev.safemap.guard;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detect mode remembers write stamps in a fixed table ({@value DetectingMap#STAMP_SLOTS} slots), so its
 * bookkeeping stays within a fixed bound whatever the number of distinct keys written; and bounding it
 * invents no report.
 */
class DetectModeMemoryTests {

	static {
		System.setProperty("jol.magicFieldOffset", "true");
	}

	/** The bound stated in docs/guarded-maps.md. */
	static final long BOUND_BYTES = 1024 * 1024;

	@Test
	void oneMillionDistinctKeysWrittenStayWithinTheFixedBound() throws Exception {
		// a million writes through detect mode (each walks the stack): the stamp table stops growing at its
		// slot count; the watched map is emptied as it goes (directly, unwatched) so that only the bookkeeping grows
		Map<Long, Long> target = new HashMap<>();
		GuardedMap<Long, Long> map = GuardedMap.builder("big").mode(GuardMode.DETECT).ticker(() -> 0L).wrap(target);
		Object stamps = stampTable(map);
		write(map, target, 0, 20_000);
		long after20k = GraphLayout.parseInstance(stamps).totalSize();
		write(map, target, 20_000, 1_000_000);
		long after1m = GraphLayout.parseInstance(stamps).totalSize();
		assertThat(after1m).as("stamp table after 1M distinct keys").isLessThanOrEqualTo(BOUND_BYTES);
		assertThat(after1m - after20k).as("growth from 20k to 1M keys").isLessThan(16 * 1024);
		System.out.printf("detect mode stamp table retained %,d bytes after 20k keys, %,d after 1M%n", after20k, after1m);
	}

	@Test
	void anEvictedStampHidesALostUpdateButNeverInventsOne() throws Exception {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		GuardedMap<Long, Long> map = GuardedMap.builder("evicted").mode(GuardMode.DETECT).registry(registry)
			.ticker(() -> 0L).wrap(new HashMap<>());
		map.put(1L, 1L);
		Long seen = map.get(1L); // remembers the stamp of key 1
		Thread other = new Thread(() -> {
			for (long k = 2; k < 100_000; k++) {
				map.put(k, k); // another thread writes many keys, evicting key 1's stamp from its slot
			}
		});
		other.start();
		other.join();
		map.put(1L, seen + 1); // nobody wrote key 1 in between: no report, whatever was evicted
		assertThat(registry.raceCount("evicted")).isZero();
	}

	private static void write(GuardedMap<Long, Long> map, Map<Long, Long> target, long from, long to) {
		for (long i = from; i < to; i++) {
			map.put(i, i);
			if (i % 10_000 == 0) {
				target.clear();
			}
		}
	}

	private static Object stampTable(GuardedMap<Long, Long> map) throws ReflectiveOperationException {
		java.lang.reflect.Field field = DetectingMap.class.getDeclaredField("stamps");
		field.setAccessible(true);
		return field.get(map);
	}

}
