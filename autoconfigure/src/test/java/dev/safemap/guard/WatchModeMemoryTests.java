package dev.safemap.guard;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watch mode's bookkeeping stays within a fixed bound whatever the number of distinct keys: its table
 * has {@value WatchTable#SLOTS} slots, each holding at most one watch (a key reference, and at most one
 * other writer's call site). Measured by walking the object graph (JOL), keys included.
 */
class WatchModeMemoryTests {

	static {
		// records (CallSite) refuse Unsafe.objectFieldOffset: let JOL find offsets itself
		System.setProperty("jol.magicFieldOffset", "true");
	}

	/** The bound stated in docs/guarded-maps.md. */
	static final long BOUND_BYTES = 512 * 1024;

	@Test
	void tenMillionDistinctKeysStayWithinTheFixedBound() throws Exception {
		// worst case: the window always open, so every slot holds a watch; and every watch of the last
		// keys read has an interloper with a captured call site
		WatchTable table = new WatchTable(() -> 0L);
		table.opened();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			feed(table, other, 0, 100_000);
			long after100k = GraphLayout.parseInstance(table).totalSize();
			feed(table, other, 100_000, 10_000_000);
			long after10m = GraphLayout.parseInstance(table).totalSize();
			assertThat(after10m).as("retained bytes after 10M distinct keys").isLessThanOrEqualTo(BOUND_BYTES);
			assertThat(after10m - after100k).as("growth from 100k to 10M keys").isLessThan(16 * 1024);
			System.out.printf("watch table retained %,d bytes after 100k keys, %,d after 10M%n", after100k, after10m);
		}
		finally {
			other.shutdownNow();
			assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	/** Reads keys [from, to) on this thread; another thread then writes the last 4096 of them. */
	private static void feed(WatchTable table, ExecutorService other, long from, long to) throws Exception {
		for (long i = from; i < to; i++) {
			table.read(i);
		}
		other.submit(() -> {
			for (long i = to - 4096; i < to; i++) {
				table.write(i, true);
			}
		}).get(60, TimeUnit.SECONDS);
	}

}
