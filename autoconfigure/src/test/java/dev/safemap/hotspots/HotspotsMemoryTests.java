package dev.safemap.hotspots;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accounting of a map stays within a fixed memory bound whatever the number of distinct keys.
 * The retained size is measured by walking the object graph (JOL), which counts every object the
 * accounting keeps reachable, including the key instances held for display.
 */
class HotspotsMemoryTests {

	static {
		// records (CallSite, the report baseline) refuse Unsafe.objectFieldOffset: let JOL find offsets itself
		System.setProperty("jol.magicFieldOffset", "true");
	}

	/** The bound stated in docs/actuator.md for the default top-K of 10. */
	static final long BOUND_BYTES = 256 * 1024;

	@Test
	void tenMillionDistinctKeysStayWithinTheFixedBound() {
		// worst case: every operation and every contended operation feeds the sketches, and every
		// contended operation captures one of 64 call sites (the default maximum)
		int[] siteLine = { 0 };
		DefaultHotspots hotspots = (DefaultHotspots) Hotspots.create(HotspotsConfig.builder()
			.keySampleRate(1.0)
			.sampleRate(1.0)
			.callSiteSampleRate(0.01)
			.callSiteCapture(() -> new CallSite("com.example.Load", "run", siteLine[0]++ % 200))
			.build());
		MapObserver observer = hotspots.create("big", GuardMode.GUARD);
		MapAccounting accounting = hotspots.accounting("big");
		// stop the drain thread so that the graph walk does not follow it into the rest of the JVM;
		// feed() drains as the thread would. What the walk finds reachable from the map's accounting
		// is then its own memory plus the small shared settings (config, clock) and the registry of
		// maps, which holds only this one
		hotspots.close();

		feed(hotspots, observer, 0, 100_000);
		long after100k = retained(accounting);
		feed(hotspots, observer, 100_000, 10_000_000);
		long after10m = retained(accounting);

		assertThat(hotspots.stats("big").orElseThrow().operations()).isEqualTo(10_000_000);
		assertThat(hotspots.stats("big").orElseThrow().contended()).isEqualTo(10_000_000);
		// a map that kept one entry per key would need hundreds of megabytes here
		assertThat(after10m).as("retained bytes after 10M distinct keys").isLessThanOrEqualTo(BOUND_BYTES);
		// and it has stopped growing: the KLL sketch adds a level per doubling, nothing else grows
		assertThat(after10m - after100k).as("growth from 100k to 10M keys").isLessThan(16 * 1024);
		System.out.printf("hotspots accounting retained %,d bytes after 100k keys, %,d after 10M; "
				+ "sketch state %,d bytes%n", after100k, after10m, accounting.sketchStorageBytes());
	}

	private static void feed(DefaultHotspots hotspots, MapObserver observer, long from, long to) {
		for (long i = from; i < to; i++) {
			Long key = i;
			observer.operation(MapOperation.PUT, key);
			observer.contended(MapOperation.PUT, key, (int) (i & 63), i & 0xFFFF);
			if (i % 10_000 == 0) {
				hotspots.drainAll();
			}
		}
	}

	private static long retained(MapAccounting accounting) {
		return GraphLayout.parseInstance(accounting).totalSize();
	}

}
