package dev.safemap.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link MapObserver} that throws never breaks its map, and is not ignored silently either: its
 * first failure is logged once at WARN, naming its class, the map and the operation.
 */
@ExtendWith(OutputCaptureExtension.class)
class ThrowingObserverTests {

	private final ExecutorService pool = Executors.newSingleThreadExecutor();

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aGuardModeMapWhoseObserverThrowsKeepsWorkingAndLogsTheFailureOnce(CapturedOutput output) {
		GuardedMap<String, Integer> map = GuardedMap.builder("orders")
			.observer(new ThrowingOnOperations())
			.wrap(new HashMap<>());
		map.put("a", 1);
		map.put("b", 2);
		assertThat(map.get("a")).isEqualTo(1);
		assertThat(map.containsKey("b")).isTrue();
		assertThat(map.size()).isEqualTo(2);
		map.clear();
		assertThat(map).isEmpty();

		assertThat(warningsNaming(output, ThrowingOnOperations.class)).isEqualTo(1);
		assertThat(output).contains("'orders'").contains("PUT").contains("observer boom");
	}

	@Test
	void aDetectModeMapWhoseObserverThrowsKeepsWorkingAndLogsTheFailureOnce(CapturedOutput output) {
		GuardedMap<String, Integer> map = GuardedMap.builder("carts")
			.mode(GuardMode.DETECT)
			.observer(new ThrowingOnOperations())
			.wrap(new HashMap<>());
		map.put("a", 1);
		assertThat(map.get("a")).isEqualTo(1);
		assertThat(map.size()).isEqualTo(1);

		assertThat(warningsNaming(output, ThrowingOnOperations.class)).isEqualTo(1);
		assertThat(output).contains("'carts'");
	}

	@Test
	void anObserverThatThrowsOnARaceReportStillLetsTheRegistryRecordItAndIsLoggedOnce(CapturedOutput output)
			throws Exception {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		GuardedMap<String, Integer> map = GuardedMap.builder("counts")
			.mode(GuardMode.DETECT)
			.registry(registry)
			.observer(new ThrowingOnRaces())
			.wrap(new HashMap<>(Map.of("k", 1)));
		for (int i = 0; i < 2; i++) {
			Integer seen = map.get("k");
			this.pool.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
			map.put("k", seen + 1);
		}

		assertThat(registry.recentReports("counts")).isNotEmpty();
		assertThat(warningsNaming(output, ThrowingOnRaces.class)).isEqualTo(1);
		assertThat(output).contains("race");
	}

	@Test
	void eachMapLogsTheFirstFailureOfItsOwnObserver(CapturedOutput output) {
		for (String name : new String[] { "first", "second" }) {
			GuardedMap<String, Integer> map = GuardedMap.builder(name)
				.observer(new ThrowingOnOperations())
				.wrap(new HashMap<>());
			map.put("a", 1);
			map.put("a", 2);
		}
		assertThat(warningsNaming(output, ThrowingOnOperations.class)).isEqualTo(2);
	}

	static long warningsNaming(CapturedOutput output, Class<?> type) {
		return output.toString()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains(type.getName()))
			.count();
	}

	static final class ThrowingOnOperations implements MapObserver {

		@Override
		public void operation(MapOperation operation, Object key) {
			throw new IllegalStateException("observer boom");
		}

	}

	static final class ThrowingOnRaces implements MapObserver {

		@Override
		public void race(RaceReport report) {
			throw new IllegalStateException("race boom");
		}

	}

}
