package dev.safemap.guard;

import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A watch-mode read that is not watched does no work of its own: it runs guard mode's read (the
 * cost target of issue 19 is read against guard mode). Shown with a key that counts its
 * {@code hashCode()} calls: the table's work starts by hashing the key.
 */
class WatchModeUnwatchedReadTests {

	@Test
	void anUnwatchedReadHashesTheKeyExactlyAsOftenAsAGuardModeRead() {
		CountingKey key = new CountingKey("k");
		GuardedMap<CountingKey, Integer> guard = GuardedMap.guard("guard", new HashMap<>());
		// the rarest sampling: the read is watched with probability 2^-20 (1 ms in 17 minutes)
		GuardedMap<CountingKey, Integer> watch = GuardedMap.builder("watch").mode(GuardMode.WATCH)
			.watchSampling(1 << 20).wrap(new HashMap<>());
		guard.put(key, 1);
		watch.put(key, 1);
		int before = key.hashes.get();
		guard.get(key);
		int guardHashes = key.hashes.get() - before;
		before = key.hashes.get();
		watch.get(key);
		int watchHashes = key.hashes.get() - before;
		assertThat(watchHashes).as("hashCode() calls by an unwatched watch-mode get").isEqualTo(guardHashes);
	}

	static final class CountingKey {

		final String name;

		final AtomicInteger hashes = new AtomicInteger();

		CountingKey(String name) {
			this.name = name;
		}

		@Override
		public int hashCode() {
			this.hashes.incrementAndGet();
			return this.name.hashCode();
		}

		@Override
		public boolean equals(Object o) {
			return o instanceof CountingKey other && other.name.equals(this.name);
		}

	}

}
