package dev.safemap.test;

import java.util.HashMap;
import java.util.Map;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** The extension on plain (non-Spring) test classes: the registry comes from a field. */
class PlainRaceCheckTests {

	@Test
	void getThenPutFromConcurrentThreadsFailsTheTestWithBothCallSites() {
		Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(RacyCounter.class)).execute().testEvents();
		events.assertStatistics((stats) -> stats.started(1).failed(1));
		Throwable failure = events.failed().stream().findFirst().orElseThrow()
			.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
		assertThat(failure).hasMessageContaining("map 'counts': LOST_UPDATE by PUT")
			.hasMessageContaining("at dev.safemap.test.PlainRaceCheckTests$RacyCounter.lambda$")
			.hasMessageContaining("conflicting with dev.safemap.test.PlainRaceCheckTests$RacyCounter.lambda$");
	}

	@Test
	void mergeFromConcurrentThreadsPasses() {
		EngineTestKit.engine("junit-jupiter").selectors(selectClass(AtomicCounter.class)).execute().testEvents()
			.assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	@Test
	void classWithoutRegistryFailsWithAnExplanation() {
		Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(NoRegistry.class)).execute().testEvents();
		events.assertStatistics((stats) -> stats.failed(1));
		assertThat(events.failed().stream().findFirst().orElseThrow().getRequiredPayload(TestExecutionResult.class)
			.getThrowable().orElseThrow()).hasMessageContaining("has no GuardedMapRegistry field");
	}

	@SafeMapRaceCheck
	static class RacyCounter {

		final GuardedMapRegistry registry = new GuardedMapRegistry();

		final Map<String, Long> counts = GuardedMap.builder("counts").mode(GuardMode.DETECT).registry(this.registry)
			.observer(Perturbation.yieldBeforeWrites()).wrap(new HashMap<>());

		@Test
		void counts() {
			Concurrently.run(4, 20, () -> this.counts.put("k", this.counts.getOrDefault("k", 0L) + 1));
		}

	}

	@SafeMapRaceCheck
	static class AtomicCounter {

		final GuardedMapRegistry registry = new GuardedMapRegistry();

		final Map<String, Long> counts = GuardedMap.builder("counts").mode(GuardMode.DETECT).registry(this.registry)
			.observer(Perturbation.yieldBeforeWrites()).wrap(new java.util.concurrent.ConcurrentHashMap<>());

		@Test
		void counts() {
			Concurrently.run(4, 20, () -> this.counts.merge("k", 1L, Long::sum));
			assertThat(this.counts).containsEntry("k", 80L);
		}

	}

	@SafeMapRaceCheck
	static class NoRegistry {

		@Test
		void anything() {
			assertThat(this).isNotNull();
		}

	}

}
