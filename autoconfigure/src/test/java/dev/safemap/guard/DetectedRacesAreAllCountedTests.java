package dev.safemap.guard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.safemap.actuate.hotspots.HotspotsMeterBinder;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detect mode reports a race of the same kind between the same two call sites at most once a second, but the
 * meters and the endpoint count every race it detects, with the reports counted separately (issue 16: a run
 * with 45,002 races showed a handful). In this package for detect mode's test clock, which stands still.
 */
class DetectedRacesAreAllCountedTests {

	private final Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().build());

	private final GuardedMapRegistry maps = new GuardedMapRegistry();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.hotspots.close();
	}

	@Test
	void everyRaceDetectModeFindsIsCountedNotOnlyTheReportedOnes() throws Exception {
		new HotspotsMeterBinder(this.hotspots, new double[0], false, (name) -> null).bindTo(this.registry);
		AtomicLong frozen = new AtomicLong();
		GuardedMap<String, Integer> map = GuardedMap.builder("legacy")
			.mode(GuardMode.DETECT)
			.registry(this.maps)
			.observer(this.hotspots.create("legacy", GuardMode.DETECT))
			.ticker(frozen::get)
			.wrap(new HashMap<>(Map.of("k", 1)));
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			for (int i = 0; i < 50; i++) {
				// the same lost update from the same two call sites, 50 times within detect mode's second
				Integer seen = map.get("k");
				other.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
				map.put("k", seen + 1);
			}
		}
		finally {
			other.shutdownNow();
		}

		assertThat(this.maps.raceCount("legacy")).isEqualTo(50);
		assertThat(count("safemap.races", "map", "legacy", "kind", "lost_update")).isEqualTo(50);
		assertThat(count("safemap.races.reported", "map", "legacy", "kind", "lost_update")).isEqualTo(1);
		SafeMapsEndpoint.RacesDescriptor races = new SafeMapsEndpoint(this.hotspots, this.maps, Show.NEVER, List.of())
			.safeMap(SecurityContext.NONE, "legacy")
			.races();
		assertThat(races.total()).isEqualTo(50);
		assertThat(races.byKind()).containsEntry("lost_update", 50L);
		assertThat(races.reported()).isEqualTo(1);
		assertThat(races.recent()).hasSize(1);
	}

	@Test
	void everyRaceWatchModeFindsIsCountedNotOnlyTheReportedOnes() throws Exception {
		new HotspotsMeterBinder(this.hotspots, new double[0], false, (name) -> null).bindTo(this.registry);
		AtomicLong frozen = new AtomicLong();
		GuardedMap<String, Integer> map = GuardedMap.builder("watched")
			.mode(GuardMode.WATCH)
			.registry(this.maps)
			.observer(this.hotspots.create("watched", GuardMode.WATCH))
			.ticker(frozen::get)
			.watchWindow(openWindow())
			.wrap(new HashMap<>(Map.of("k", 1)));
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			for (int i = 0; i < 20; i++) {
				Integer seen = map.get("k");
				other.submit(() -> map.put("k", 100)).get(10, TimeUnit.SECONDS);
				map.put("k", seen + 1);
			}
		}
		finally {
			other.shutdownNow();
		}

		assertThat(this.maps.raceCount("watched")).isEqualTo(20);
		assertThat(count("safemap.races", "map", "watched", "kind", "lost_update")).isEqualTo(20);
		assertThat(count("safemap.races.reported", "map", "watched", "kind", "lost_update")).isEqualTo(1);
	}

	private double count(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

	private static ReadWindow openWindow() {
		ReadWindow window = new ReadWindow();
		window.open();
		return window;
	}

}
