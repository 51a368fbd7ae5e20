package dev.safemap.guard;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lost update in free-running code: the reader's own write comes nanoseconds after the other thread's,
 * while that thread is still walking its stack for its call site (microseconds). The table must already
 * show the interloper then, or watch mode misses nearly every real lost update. The capture is made to
 * block on a latch, so nothing depends on the machine's speed.
 */
class WatchTableInterloperTests {

	@Test
	void theReadersWriteFindsTheInterloperWhileItsCallSiteIsStillBeingCapturedAndGetsTheSiteOnceCaptured()
			throws Exception {
		CountDownLatch capturing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CallSite interloperSite = new CallSite("com.example.Stock", "restock", 42);
		WatchTable table = new WatchTable(() -> 0L, () -> {
			capturing.countDown();
			await(release);
			return interloperSite;
		});
		table.opened();
		ExecutorService other = Executors.newSingleThreadExecutor((task) -> new Thread(task, "restocker"));
		try {
			table.read("sku-1"); // this thread reads, as in put(k, get(k) + 1)
			Future<WatchTable.Interloper> otherWrite = other.submit(() -> table.write("sku-1", false));
			assertThat(capturing.await(60, TimeUnit.SECONDS)).as("the other write reached its capture").isTrue();

			WatchTable.Interloper lost = table.write("sku-1", true); // this thread's put, mid-capture
			assertThat(lost).as("the interloper, seen while its call site is being captured").isNotNull();
			assertThat(lost.threadName()).isEqualTo("restocker");

			release.countDown();
			assertThat(lost.site()).as("the site, once its thread has captured it").isEqualTo(interloperSite);
			assertThat(otherWrite.get(60, TimeUnit.SECONDS)).as("the interloper's own write reports nothing").isNull();
		}
		finally {
			release.countDown();
			other.shutdownNow();
			assertThat(other.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void aWriteOfAKeyNoOtherThreadWroteSinceTheReadReportsNothing() {
		WatchTable table = new WatchTable(() -> 0L, () -> {
			throw new AssertionError("no interloper: nothing to capture");
		});
		table.opened();
		table.read("sku-1");
		assertThat(table.write("sku-1", true)).isNull();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
