package dev.safemap.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure catalogue #16: a guarded map must never block or deadlock where {@code ConcurrentHashMap}
 * would not. A mapping function on key A waits (bounded) for another thread's write of key B, a key
 * that shares A's lock stripe in the observed guarded map but not A's bin in the
 * {@code ConcurrentHashMap} underneath: the raw map completes, and so must every guarded variant,
 * with the stripes really in use (the read window open, or an observer without a sampler).
 */
class MappingFunctionsDoNotBlockOtherKeysTests {

	/** Entries the maps start with: enough for a table of at least 128 bins (see {@link #keys()}). */
	private static final int PREFILL = 200;

	/** How long the function waits for the other key's write: a deadlock shows as this timeout. */
	private static final long WAIT_SECONDS = 10;

	private static final String[] KEYS = keys();

	/**
	 * Two keys with the same lock stripe (the low 6 bits of the spread hash) and different bins in any
	 * {@code ConcurrentHashMap} table of 128 bins or more (bit 6 differs).
	 */
	private static String[] keys() {
		Map<Integer, String> byStripe = new HashMap<>();
		for (int i = 0;; i++) {
			String key = "key-" + i;
			int h = key.hashCode() ^ (key.hashCode() >>> 16);
			String other = byStripe.putIfAbsent(ObservedGuardedMap.stripeIndex(key), key);
			if (other != null) {
				int o = other.hashCode() ^ (other.hashCode() >>> 16);
				if (((o ^ h) & 0x40) != 0) {
					return new String[] { other, key };
				}
			}
		}
	}

	enum Operation {

		COMPUTE, COMPUTE_IF_ABSENT, COMPUTE_IF_PRESENT, MERGE

	}

	static Stream<Arguments> mapsAndOperations() {
		Stream.Builder<Arguments> cases = Stream.builder();
		for (String map : new String[] { "raw ConcurrentHashMap", "guarded, no observer",
				"observed, read window open", "observed, stripe hot after same-key contention",
				"observed, observer without sampler", "detect mode over a ConcurrentHashMap" }) {
			for (Operation operation : Operation.values()) {
				cases.add(Arguments.of(map, operation));
			}
		}
		return cases.build();
	}

	private static Map<String, Integer> prefilled() {
		Map<String, Integer> contents = new HashMap<>();
		for (int i = 0; i < PREFILL; i++) {
			contents.put("filler-" + i, i);
		}
		contents.put(KEYS[0], 0);
		return contents;
	}

	private static Map<String, Integer> map(String kind) throws Exception {
		Map<String, Integer> contents = prefilled();
		switch (kind) {
			case "raw ConcurrentHashMap":
				return new ConcurrentHashMap<>(contents);
			case "guarded, no observer":
				return GuardedMap.builder("fast").wrap(contents);
			case "observed, read window open": {
				ReadWindow window = new ReadWindow();
				window.open();
				return GuardedMap.builder("window").observer(samplerObserver(window)).wrap(contents);
			}
			case "observed, stripe hot after same-key contention": {
				ReadWindow window = new ReadWindow();
				Map<String, Integer> map = GuardedMap.builder("hot").observer(samplerObserver(window)).wrap(contents);
				window.open();
				sameKeyContention(map, KEYS[0]);
				window.close();
				return map;
			}
			case "observed, observer without sampler":
				return GuardedMap.builder("custom").observer(new MapObserver() {
				}).wrap(contents);
			case "detect mode over a ConcurrentHashMap":
				return GuardedMap.builder("detect").mode(GuardMode.DETECT).wrap(new ConcurrentHashMap<>(contents));
			default:
				throw new IllegalArgumentException(kind);
		}
	}

	private static MapObserver samplerObserver(ReadWindow window) {
		OperationSampler sampler = new OperationSampler(window, new AtomicReferenceArray<>(16), 0.0);
		return new MapObserver() {
			@Override
			public OperationSampler operationSampler() {
				return sampler;
			}
		};
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("mapsAndOperations")
	void aMappingFunctionThatWaitsForAWriteOfAnotherKeyOnItsStripeCompletes(String kind, Operation operation)
			throws Exception {
		Map<String, Integer> map = map(kind);
		String a = KEYS[0];
		String b = KEYS[1];
		if (operation == Operation.COMPUTE_IF_ABSENT) {
			map.remove(a);
		}
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch written = new CountDownLatch(1);
		AtomicBoolean sawTheWrite = new AtomicBoolean();
		Function<Integer, Integer> waitForB = (old) -> {
			inside.countDown();
			try {
				sawTheWrite.set(written.await(WAIT_SECONDS, TimeUnit.SECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return (old != null) ? old + 1 : 1;
		};
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread computing = new Thread(() -> {
			try {
				switch (operation) {
					case COMPUTE -> map.compute(a, (k, v) -> waitForB.apply(v));
					case COMPUTE_IF_ABSENT -> map.computeIfAbsent(a, (k) -> waitForB.apply(null));
					case COMPUTE_IF_PRESENT -> map.computeIfPresent(a, (k, v) -> waitForB.apply(v));
					case MERGE -> map.merge(a, 1, (v, one) -> waitForB.apply(v));
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "computing");
		computing.start();
		assertThat(inside.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the function started").isTrue();
		map.put(b, 42);
		written.countDown();
		computing.join(TimeUnit.SECONDS.toMillis(2 * WAIT_SECONDS));

		assertThat(failure.get()).isNull();
		assertThat(sawTheWrite.get()).as("the function saw the write of another key on its stripe (%s)", kind)
			.isTrue();
		assertThat(map.get(b)).isEqualTo(42);
		assertThat(map.get(a)).isEqualTo(1);
	}

	@Test
	void theKeysShareAStripeButNotABin() {
		assertThat(ObservedGuardedMap.stripeIndex(KEYS[0])).isEqualTo(ObservedGuardedMap.stripeIndex(KEYS[1]));
		assertThat(KEYS[0].hashCode()).isNotEqualTo(KEYS[1].hashCode());
	}

	/** Two writes of one key wait for each other while the window is open: the key's stripe turns hot. */
	static void sameKeyContention(Map<String, Integer> map, String key) throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> map.compute(key, (k, v) -> {
			inside.countDown();
			try {
				release.await(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return v;
		}));
		holder.start();
		assertThat(inside.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		Thread writer = new Thread(() -> map.merge(key, 0, Integer::sum));
		writer.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (writer.getState() == Thread.State.RUNNABLE || writer.getState() == Thread.State.NEW) {
			assertThat(System.nanoTime()).as("writer never blocked").isLessThan(deadline);
			Thread.onSpinWait();
		}
		release.countDown();
		holder.join();
		writer.join();
	}

}
