package dev.safemap.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;

/**
 * Wall-clock time to watch mode's first report, free-running (no lock step): two threads, each doing
 * 99% correct operations on 1,000 keys and a hot key, and 1% {@code put(hot, get(hot) + 1)}; stops
 * at the first report or after 10 s. Ten runs per sampling value. The figures depend on the machine
 * and its load (they are what a user would see), unlike the lock-step test in the unit tests.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.safemap.benchmarks.WatchDetectionTime [runs] [samplings...]
 * </pre>
 */
public final class WatchDetectionTime {

	private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

	private WatchDetectionTime() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		List<Integer> samplings = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			samplings.add(Integer.parseInt(args[i]));
		}
		if (samplings.isEmpty()) {
			samplings.addAll(List.of(1, 16, 64, 256, 1024, 4096));
		}
		System.out.println("| sampling (reads watched 1/N of the time) | runs with a report within 10 s | median ms to first report | max ms |");
		System.out.println("|---|---|---|---|");
		for (int sampling : samplings) {
			List<Double> times = new ArrayList<>();
			int found = 0;
			for (int run = 0; run < runs; run++) {
				double ms = run(sampling, run);
				if (ms >= 0) {
					found++;
					times.add(ms);
				}
			}
			Collections.sort(times);
			String median = times.isEmpty() ? "-" : String.format("%.1f", times.get(times.size() / 2));
			String max = times.isEmpty() ? "-" : String.format("%.1f", times.get(times.size() - 1));
			System.out.printf("| %d | %d / %d | %s | %s |%n", sampling, found, runs, median, max);
		}
	}

	/** @return milliseconds to the first report, or -1 when none came within 10 s */
	static double run(int sampling, long seed) throws Exception {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		GuardedMap<String, Long> map = GuardedMap.builder("hits")
			.mode(GuardMode.WATCH)
			.watchSampling(sampling)
			.registry(registry)
			.wrap(new ConcurrentHashMap<>());
		map.put("hot", 0L);
		CountDownLatch start = new CountDownLatch(1);
		long[] foundAt = { -1 };
		Thread[] threads = new Thread[2];
		for (int t = 0; t < 2; t++) {
			SplittableRandom random = new SplittableRandom(seed * 2 + t);
			threads[t] = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long began = System.nanoTime();
				for (int n = 0;; n++) {
					step(map, random);
					if ((n & 1023) == 0) {
						if (registry.raceCount("hits") > 0) {
							synchronized (foundAt) {
								if (foundAt[0] < 0) {
									foundAt[0] = System.nanoTime() - began;
								}
							}
							return;
						}
						if (System.nanoTime() - began > LIMIT_NANOS) {
							return;
						}
					}
				}
			});
			threads[t].start();
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		return (foundAt[0] < 0) ? -1 : foundAt[0] / 1e6;
	}

	private static void step(GuardedMap<String, Long> map, SplittableRandom random) {
		int dice = random.nextInt(100);
		if (dice == 0) {
			Long seen = map.get("hot");
			map.put("hot", seen + 1); // the bug
			return;
		}
		String key = "k" + random.nextInt(1_000);
		if (dice < 60) {
			map.get(key);
		}
		else if (dice < 70) {
			map.get("hot");
		}
		else if (dice < 80) {
			map.increment("hot");
		}
		else {
			map.merge(key, 1L, Long::sum);
		}
	}

}
