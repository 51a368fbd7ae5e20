package dev.safemap.test.rate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.safemap.guard.GuardedMap;
import dev.safemap.test.Concurrently;

/**
 * The map patterns of the failure catalogue (docs/failure-catalogue), each as a racy version and a
 * correct one, driven by {@link Concurrently}. Each run builds its own detect-mode map.
 */
enum MapPattern {

	/** #1: many threads writing distinct keys into a plain HashMap. */
	CONCURRENT_WRITES("#1 concurrent writes to a plain map", HashMap::new, 4, 150) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			for (int i = 0; i < 100; i++) {
				map.put(thread + ":" + round + ":" + i, (long) i);
			}
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			for (int i = 0; i < 100; i++) {
				synchronized (lock) {
					map.put(thread + ":" + round + ":" + i, (long) i);
				}
			}
		}
	},

	/** #2: counter[k]++ as get-then-put on a few hot keys of a plain HashMap. */
	COUNTER_LOST_UPDATE("#2 counter lost update (get then put)", HashMap::new, 4, 20) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			for (int i = 0; i < 20; i++) {
				String key = "endpoint-" + (i % 4);
				Long count = map.get(key);
				map.put(key, (count == null) ? 1L : count + 1);
			}
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			for (int i = 0; i < 20; i++) {
				String key = "endpoint-" + (i % 4);
				synchronized (lock) {
					Long count = map.get(key);
					map.put(key, (count == null) ? 1L : count + 1);
				}
			}
		}
	},

	/** #2 on a ConcurrentHashMap: every call atomic, the sequence not. */
	COUNTER_ON_CHM("#2 counter lost update on a ConcurrentHashMap", ConcurrentHashMap::new, 4, 20) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			COUNTER_LOST_UPDATE.racy(map, thread, round);
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			for (int i = 0; i < 20; i++) {
				if (i % 2 == 0) {
					map.merge("endpoint-" + (i % 4), 1L, Long::sum);
				}
				else {
					map.increment("endpoint-" + (i % 4));
				}
			}
		}
	},

	/** #3: check-then-act (containsKey, then put) on a ConcurrentHashMap. */
	CHECK_THEN_ACT("#3 check-then-act on a ConcurrentHashMap", ConcurrentHashMap::new, 4, 20) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			for (int i = 0; i < 5; i++) {
				String key = "order-" + round + "-" + i;
				if (!map.containsKey(key)) {
					map.put(key, (long) thread);
				}
			}
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			for (int i = 0; i < 5; i++) {
				map.putIfAbsent("order-" + round + "-" + i, (long) thread);
			}
		}
	},

	/** #5: one thread iterates a plain HashMap while the others update values. */
	ITERATION_DURING_WRITES("#5 iteration during writes", MapPattern::prefilled, 4, 150) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			if (thread == 0) {
				for (int pass = 0; pass < 5; pass++) {
					long sum = 0;
					for (Map.Entry<String, Long> entry : map.entrySet()) {
						sum += entry.getValue();
					}
					sink(sum);
				}
			}
			else {
				for (int i = 0; i < 50; i++) {
					map.put("item-" + ((thread * 50 + i) % ITEMS), (long) round); // value updates: no CME
				}
			}
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			if (thread == 0) {
				List<Long> copy;
				synchronized (lock) {
					copy = new ArrayList<>(map.values());
				}
				sink(copy.stream().mapToLong(Long::longValue).sum());
			}
			else {
				for (int i = 0; i < 50; i++) {
					synchronized (lock) {
						map.put("item-" + ((thread * 50 + i) % ITEMS), (long) round);
					}
				}
			}
		}
	},

	/** #7: a warm-up loading every key while a refresher rewrites the keys it finds (ConcurrentHashMap). */
	WARMUP_VS_REFRESHER("#7 cache warm-up racing a refresher", ConcurrentHashMap::new, 2, 20) {
		@Override
		void racy(GuardedMap<String, Long> map, int thread, int round) {
			for (int i = 0; i < 20; i++) {
				String key = "price-" + i;
				if (thread == 0) {
					map.put(key, generation(round, false)); // warm-up: load generation
				}
				else if (map.containsKey(key)) {
					map.put(key, generation(round, true)); // refresher: reload when present
				}
			}
		}

		@Override
		void correct(GuardedMap<String, Long> map, Object lock, int thread, int round) {
			for (int i = 0; i < 20; i++) {
				String key = "price-" + i;
				if (thread == 0) {
					map.putIfAbsent(key, generation(round, false));
				}
				else {
					map.computeIfPresent(key, (k, old) -> generation(round, true));
				}
			}
		}
	};

	private static final int ITEMS = 2000;

	private static volatile long sink;

	final String title;

	final Supplier<Map<String, Long>> backing;

	final int threads;

	final int rounds;

	MapPattern(String title, Supplier<Map<String, Long>> backing, int threads, int rounds) {
		this.title = title;
		this.backing = backing;
		this.threads = threads;
		this.rounds = rounds;
	}

	abstract void racy(GuardedMap<String, Long> map, int thread, int round);

	abstract void correct(GuardedMap<String, Long> map, Object lock, int thread, int round);

	private static Map<String, Long> prefilled() {
		Map<String, Long> map = new HashMap<>();
		for (int i = 0; i < ITEMS; i++) {
			map.put("item-" + i, 0L);
		}
		return map;
	}

	private static long generation(int round, boolean refresh) {
		return round * 2L + (refresh ? 1 : 0);
	}

	private static void sink(long value) {
		sink = value;
	}

}
