package dev.safemap.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure catalogue #7: a bulk warm-up filling a shared map while a background refresher rewrites it.
 * With a guarded map every key ends up present, holding one whole value of one generation; with the
 * loader and the refresher interleaving freely, no key is lost and no value mixes generations.
 */
class WarmUpRefreshRaceTests {

	private static final int KEYS = 50_000;

	/** An immutable value stamped with its key and the generation that wrote it. */
	record Quote(int key, int generation, long checksum) {

		static Quote of(int key, int generation) {
			return new Quote(key, generation, checksum(key, generation));
		}

		static long checksum(int key, int generation) {
			return 31L * key + 1_000_003L * generation;
		}

		boolean isWhole() {
			return this.checksum == checksum(this.key, this.generation);
		}

	}

	@Test
	void warmUpAndRefreshInParallelLeaveEveryKeyWithOneWholeGeneration() throws Exception {
		GuardedMap<Integer, Quote> quotes = GuardedMap.guard("quotes", new HashMap<>());
		ExecutorService pool = Executors.newFixedThreadPool(3);
		CountDownLatch start = new CountDownLatch(1);
		try {
			// two loaders split the key range and fill it with generation 1, in chunks as a bulk loader does
			Future<?> loaderA = pool.submit(() -> load(quotes, start, 0, KEYS / 2));
			Future<?> loaderB = pool.submit(() -> load(quotes, start, KEYS / 2, KEYS));
			// the refresher sweeps the key range repeatedly, moving present keys to the next generation
			Future<?> refresher = pool.submit(() -> {
				await(start);
				for (int sweep = 0; sweep < 3; sweep++) {
					for (int key = 0; key < KEYS; key++) {
						quotes.computeIfPresent(key, (k, old) -> Quote.of(k, old.generation() + 1));
					}
				}
			});
			start.countDown();
			loaderA.get(60, TimeUnit.SECONDS);
			loaderB.get(60, TimeUnit.SECONDS);
			refresher.get(60, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdownNow();
		}

		assertThat(quotes).hasSize(KEYS);
		for (int key = 0; key < KEYS; key++) {
			Quote quote = quotes.get(key);
			assertThat(quote).as("key %d", key).isNotNull();
			assertThat(quote.key()).as("key %d holds another key's value", key).isEqualTo(key);
			assertThat(quote.isWhole()).as("key %d holds a torn value", key).isTrue();
			assertThat(quote.generation()).as("key %d generation", key).isBetween(1, 4);
		}
	}

	private static void load(Map<Integer, Quote> quotes, CountDownLatch start, int from, int to) {
		await(start);
		Map<Integer, Quote> chunk = new HashMap<>();
		for (int key = from; key < to; key++) {
			chunk.put(key, Quote.of(key, 1));
			if (chunk.size() == 500) {
				quotes.putAll(chunk);
				chunk.clear();
			}
		}
		quotes.putAll(chunk);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
