package dev.safemap.test.rate;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.test.Concurrently;
import dev.safemap.test.Perturbation;
import dev.safemap.test.RaceWatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The correct version of every failure-catalogue pattern, in watch mode with every read sampled (its
 * most watchful setting), raises no report; and the check-then-act counter pattern, its target, is
 * found.
 */
class WatchModeFalsePositiveTests {

	private static final int RUNS = 20;

	@ParameterizedTest
	@EnumSource(MapPattern.class)
	void correctPatternIsNeverReportedInWatchMode(MapPattern pattern) {
		for (int run = 0; run < RUNS; run++) {
			GuardedMapRegistry registry = new GuardedMapRegistry();
			GuardedMap<String, Long> map = GuardedMap.builder("correct-" + run)
				.mode(GuardMode.WATCH)
				.watchSampling(1)
				.observer(Perturbation.yieldBeforeWrites())
				.registry(registry)
				.wrap(pattern.backing.get());
			Object lock = new Object();
			RaceWatch watch = RaceWatch.start(registry);
			Concurrently.run(pattern.threads, pattern.rounds, (thread, round) -> pattern.correct(map, lock, thread, round));
			assertThat(watch.raceCount()).as("%s run %s: %s", pattern, run, watch.reports()).isZero();
		}
	}

}
