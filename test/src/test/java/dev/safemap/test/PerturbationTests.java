package dev.safemap.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race check's yielding observer adds yields and passes every event on: the application's accounting behind
 * it must still count every race detected (its {@code safemap.races} meter), not only the reported ones.
 */
class PerturbationTests {

	@Test
	void everyRaceEventReachesTheDelegateOfADetectModeMap() {
		List<String> heard = new ArrayList<>();
		MapObserverFactory delegate = (name, mode) -> new MapObserver() {
			@Override
			public void raceDetected(RaceReport.Kind kind, MapOperation operation) {
				heard.add("detected " + kind);
			}

			@Override
			public void race(RaceReport report) {
				heard.add("reported " + report.kind());
			}
		};
		MapObserver observer = Perturbation.yieldBeforeWrites(delegate).create("legacy", GuardMode.DETECT);
		CallSite site = new CallSite("com.example.Legacy", "count", 1);

		observer.raceDetected(RaceReport.Kind.LOST_UPDATE, MapOperation.PUT);
		observer.race(new RaceReport("legacy", RaceReport.Kind.LOST_UPDATE, MapOperation.PUT, "#0123456789", site,
				site, "t1", "t2", Instant.EPOCH));

		assertThat(heard).containsExactly("detected LOST_UPDATE", "reported LOST_UPDATE");
	}

}
