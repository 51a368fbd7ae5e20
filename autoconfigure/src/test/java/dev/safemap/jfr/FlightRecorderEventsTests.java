package dev.safemap.jfr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackResult;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationTestStores;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardTestSupport;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records each SafeMap feature with the JDK's flight recorder API, using the settings file shipped in
 * the jar, and reads every SafeMap event type back from the recording with its fields. Interleavings
 * are forced with latches, so no verdict depends on the machine's speed.
 */
class FlightRecorderEventsTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	private final KeyMasker masker = KeyMasker.withSecret("jfr-test-secret-0123456789");

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void theShippedSettingsFileEnablesEverySafeMapEventType() {
		Map<String, String> settings = SafeMapFlightRecorder.configuration().getSettings();
		for (String event : List.of(SafeMapEvents.CONTENDED, SafeMapEvents.RACE, SafeMapEvents.FALLBACK,
				SafeMapEvents.BREAKER, SafeMapEvents.COMPENSATION_QUEUED, SafeMapEvents.COMPENSATION_REPLAYED,
				SafeMapEvents.COMPENSATION_DEAD)) {
			assertThat(settings).containsEntry(event + "#enabled", "true");
		}
		assertThat(settings).containsEntry(SafeMapEvents.CONTENDED + "#waitThreshold", "1 ms");
		assertThat(SafeMapFlightRecorder.settingsWith("default")).containsEntry("jdk.JavaMonitorEnter#enabled", "true")
			.containsEntry(SafeMapEvents.RACE + "#enabled", "true");
	}

	@Test
	void eachFeatureWritesItsEventsIntoARecording() throws Exception {
		Path file = this.dir.resolve("safemap.jfr");
		try (Recording recording = new Recording(SafeMapFlightRecorder.configuration())) {
			recording.start();
			contendedWrite();
			lostUpdate();
			fallbackAndBreaker();
			compensation();
			recording.stop();
			recording.dump(file);
			// kept for docs/flight-recorder.md: jfr print --events ... target/jfr/safemap-events.jfr
			Files.createDirectories(Path.of("target", "jfr"));
			recording.dump(Path.of("target", "jfr", "safemap-events.jfr"));
		}
		List<RecordedEvent> events = RecordingFile.readAllEvents(file)
			.stream()
			.filter((e) -> e.getEventType().getName().startsWith("dev.safemap."))
			.toList();
		Set<String> types = events.stream().map((e) -> e.getEventType().getName()).collect(Collectors.toSet());
		assertThat(types).containsExactlyInAnyOrder(SafeMapEvents.CONTENDED, SafeMapEvents.RACE, SafeMapEvents.FALLBACK,
				SafeMapEvents.BREAKER, SafeMapEvents.COMPENSATION_QUEUED, SafeMapEvents.COMPENSATION_REPLAYED,
				SafeMapEvents.COMPENSATION_DEAD);

		RecordedEvent contended = only(events, SafeMapEvents.CONTENDED);
		assertThat(contended.getString("map")).isEqualTo("contended");
		assertThat(contended.getString("operation")).isEqualTo("PUT");
		assertThat(contended.getString("key")).isEqualTo(this.masker.mask("hot"));
		assertThat(contended.getString("callSite")).contains(FlightRecorderEventsTests.class.getName() + ".lambda$contendedWrite");
		assertThat(contended.getDuration("waitNanos")).isGreaterThanOrEqualTo(Duration.ofMillis(1));

		RecordedEvent race = only(events, SafeMapEvents.RACE);
		assertThat(race.getString("map")).isEqualTo("raced");
		assertThat(race.getString("kind")).isEqualTo("LOST_UPDATE");
		assertThat(race.getString("mode")).isEqualTo("DETECT");
		assertThat(race.getString("key")).isEqualTo(this.masker.mask("k"));
		assertThat(race.getString("callSite")).contains(".lostUpdate");
		assertThat(race.getString("otherCallSite")).contains("lambda$lostUpdate");

		RecordedEvent fallback = only(events, SafeMapEvents.FALLBACK);
		assertThat(fallback.getString("cache")).isEqualTo("prices");
		assertThat(fallback.getString("key")).isEqualTo(this.masker.mask("p1"));
		assertThat(fallback.getString("reason")).isEqualTo("circuit breaker open");
		assertThat(events).filteredOn((e) -> e.getEventType().getName().equals(SafeMapEvents.BREAKER))
			.extracting((e) -> e.getString("breaker") + ":" + e.getString("from") + "->" + e.getString("to"))
			.containsExactly("prices:CLOSED->OPEN");

		RecordedEvent replayed = only(events, SafeMapEvents.COMPENSATION_REPLAYED);
		assertThat(replayed.getString("target")).isEqualTo("orders");
		assertThat(replayed.getString("key")).isEqualTo(this.masker.mask("order-1"));
		RecordedEvent dead = only(events, SafeMapEvents.COMPENSATION_DEAD);
		assertThat(dead.getString("key")).isEqualTo(this.masker.mask("order-2"));
		assertThat(dead.getString("reason")).contains("java.lang.IllegalStateException");
		assertThat(events).filteredOn((e) -> e.getEventType().getName().equals(SafeMapEvents.COMPENSATION_QUEUED))
			.hasSize(2)
			.allSatisfy((e) -> assertThat(e.getBoolean("created")).isTrue());
	}

	@Test
	void aWaitBelowTheThresholdIsNotRecorded() throws Exception {
		Path file = this.dir.resolve("threshold.jfr");
		try (Recording recording = new Recording(SafeMapFlightRecorder.configuration())) {
			recording.enable(SafeMapEvents.CONTENDED).with("waitThreshold", "1 h");
			recording.start();
			contendedWrite();
			recording.stop();
			recording.dump(file);
		}
		assertThat(RecordingFile.readAllEvents(file))
			.noneMatch((e) -> e.getEventType().getName().equals(SafeMapEvents.CONTENDED));
	}

	@Test
	void withoutARecordingNothingIsRecordedAndTheMapsWorkAsUsual() throws Exception {
		// no recording: the calls are checks only; the features behave as without the flight recorder
		contendedWrite();
		lostUpdate();
	}

	/**
	 * A compute holds the key's bin while another thread's put of the same key waits for it: the put
	 * waits at least as long as the compute is held after the put is seen blocked (5 ms here).
	 */
	private void contendedWrite() throws Exception {
		GuardedMap<String, Integer> map = GuardedMap.builder("contended")
			.observer(new MapObserver() {
			})
			.keyMasker(this.masker)
			.wrap(new ConcurrentHashMap<>(Map.of("hot", 0)));
		CountDownLatch inCompute = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> holder = this.pool.submit(() -> map.compute("hot", (k, v) -> {
			inCompute.countDown();
			await(release);
			return v + 1;
		}));
		assertThat(inCompute.await(10, TimeUnit.SECONDS)).isTrue();
		Thread[] writer = new Thread[1];
		CountDownLatch started = new CountDownLatch(1);
		Future<?> put = this.pool.submit(() -> {
			writer[0] = Thread.currentThread();
			started.countDown();
			map.put("hot", 100);
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		// wait until the put is blocked on the bin the compute holds, then hold it 5 ms longer
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (writer[0].getState() != Thread.State.BLOCKED && writer[0].getState() != Thread.State.WAITING
				&& System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		Thread.sleep(5);
		release.countDown();
		holder.get(10, TimeUnit.SECONDS);
		put.get(10, TimeUnit.SECONDS);
		assertThat(map.get("hot")).isIn(1, 100, 101);
	}

	private void lostUpdate() throws Exception {
		GuardedMap<String, Integer> map = GuardTestSupport
			.ticker(GuardedMap.builder("raced").mode(GuardMode.DETECT).keyMasker(this.masker), () -> 0L)
			.wrap(new HashMap<>(Map.of("k", 1)));
		Integer seen = map.get("k");
		this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
		map.put("k", seen + 1);
	}

	private void fallbackAndBreaker() {
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("prices");
		FallbackCache<String, Integer> cache = FallbackCache.<String, Integer>builder("prices", breaker)
			.store(FallbackStore.of(new ConcurrentHashMap<>()))
			.keyMasker(this.masker)
			.build();
		assertThat(cache.call("p1", () -> 42)).isEqualTo(42);
		breaker.transitionToOpenState();
		FallbackResult<Integer> result = cache.callForResult("p1", () -> 43);
		assertThat(result.source()).isEqualTo(FallbackResult.Source.FALLBACK_CIRCUIT_OPEN);
	}

	private void compensation() {
		CompensationRegistry registry = CompensationRegistry.builder(CompensationTestStores.inMemory())
			.backoff(IntervalFunction.of(Duration.ofMillis(1)))
			.maxAttempts(1)
			.keyMasker(this.masker)
			.handlers((target) -> (entry) -> {
				if (entry.idempotencyKey().equals("order-2")) {
					throw new IllegalStateException("downstream refused");
				}
			})
			.build();
		registry.enqueue(CompensationRequest.of("orders", "[1]").withIdempotencyKey("order-1"));
		registry.enqueue(CompensationRequest.of("orders", "[2]").withIdempotencyKey("order-2"));
		assertThat(registry.replayDue()).isEqualTo(2);
	}

	private static RecordedEvent only(List<RecordedEvent> events, String type) {
		List<RecordedEvent> matching = events.stream().filter((e) -> e.getEventType().getName().equals(type)).toList();
		assertThat(matching).as(type).hasSize(1);
		return matching.get(0);
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
