package dev.safemap.hotspots;

import java.time.Instant;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link HotspotsListener} (or a call-site capture) that throws never breaks a map nor the
 * accounting, and is not ignored silently either: its first failure is logged once at WARN, naming
 * its class and the callback.
 */
@ExtendWith(OutputCaptureExtension.class)
class ThrowingListenerTests {

	private final Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().sampleRate(1.0).build());

	@AfterEach
	void close() {
		this.hotspots.close();
	}

	@Test
	void aListenerThatThrowsEverywhereIsLoggedOnceAndTheMapsKeepWorking(CapturedOutput output) {
		this.hotspots.create("early", GuardMode.GUARD);
		this.hotspots.addListener(new ThrowingListener());
		MapObserver observer = this.hotspots.create("late", GuardMode.DETECT);
		observer.contended(MapOperation.PUT, "k", 0, 10);
		observer.contended(MapOperation.PUT, "k", 0, 10);
		observer.race(new RaceReport("late", RaceReport.Kind.LOST_UPDATE, MapOperation.PUT, "k", CallSite.UNKNOWN,
				CallSite.UNKNOWN, "main", "other", Instant.EPOCH));
		GuardedMap<String, Integer> map = GuardedMap.builder("guarded")
			.observer(this.hotspots.create("guarded", GuardMode.GUARD))
			.wrap(new java.util.HashMap<>());
		map.put("a", 1);

		assertThat(map.get("a")).isEqualTo(1);
		HotspotReport late = this.hotspots.report("late", false).orElseThrow();
		assertThat(late.contended()).isEqualTo(2);
		assertThat(output.toString()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains(ThrowingListener.class.getName()))
			.count()).isEqualTo(1);
		assertThat(output).contains("mapAdded").contains("listener boom");
	}

	@Test
	void aCallSiteCaptureThatThrowsIsLoggedOncePerMapAndContentionIsStillCounted(CapturedOutput output) {
		Hotspots failing = Hotspots.create(HotspotsConfig.builder()
			.callSiteSampleRate(1.0)
			.callSiteCapture(new ThrowingCapture())
			.build());
		try {
			MapObserver observer = failing.create("m", GuardMode.GUARD);
			observer.contended(MapOperation.PUT, "k", 0, 10);
			observer.contended(MapOperation.PUT, "k", 0, 10);
			assertThat(failing.report("m", false).orElseThrow().contended()).isEqualTo(2);
		}
		finally {
			failing.close();
		}
		assertThat(output.toString()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("'m'"))
			.count()).isEqualTo(1);
		assertThat(output).contains("capture boom");
	}

	static final class ThrowingListener implements HotspotsListener {

		@Override
		public void mapAdded(MapStats map) {
			throw new IllegalStateException("listener boom");
		}

		@Override
		public void contended(MapStats map, MapOperation operation, long waitNanos) {
			throw new IllegalStateException("listener boom");
		}

		@Override
		public void race(MapStats map, RaceReport report) {
			throw new IllegalStateException("listener boom");
		}

	}

	static final class ThrowingCapture implements java.util.function.Supplier<CallSite> {

		@Override
		public CallSite get() {
			throw new IllegalStateException("capture boom");
		}

	}

}
