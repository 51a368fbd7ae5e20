package dev.safemap.autoconfigure;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.safemap.actuate.hotspots.HotspotsMeterBinder;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HotspotsMeterBinderTests {

	private final Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().keySampleRate(1.0).sampleRate(1.0).build());

	private final GuardedMapRegistry maps = new GuardedMapRegistry();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private HotspotsMeterBinder binder(double... percentiles) {
		return new HotspotsMeterBinder(this.hotspots, percentiles, false,
				(name) -> this.maps.map(name).map(GuardedMapRegistry.MapInfo::size).orElse(null));
	}

	@AfterEach
	void close() {
		this.hotspots.close();
	}

	@Test
	void aPercentileOutsideZeroToOneIsRejectedWithItsValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> binder(0.5, 1.5)).withMessageContaining("1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> binder(-0.1)).withMessageContaining("-0.1");
		assertThatIllegalArgumentException().isThrownBy(() -> binder(Double.NaN)).withMessageContaining("NaN");
	}

	@Test
	void metersCarryTheCountsOfMapsGuardedBeforeAndAfterBinding() {
		GuardedMap<String, Long> early = guarded("early");
		binder(0.5, 0.99).bindTo(this.registry);
		GuardedMap<String, Long> late = guarded("late");
		early.put("alice@example.com", 1L);
		early.get("alice@example.com");
		early.get("bob@example.com");
		late.merge("k", 1L, Long::sum);

		assertThat(counter("safemap.map.operations", "map", "early", "op", "get")).isEqualTo(2);
		assertThat(counter("safemap.map.operations", "map", "early", "op", "put")).isEqualTo(1);
		assertThat(counter("safemap.map.operations", "map", "late", "op", "merge")).isEqualTo(1);
		assertThat(this.registry.get("safemap.map.size").tag("map", "early").gauge().value()).isEqualTo(1);
		// reading the gauge is monitoring, not one of the application's operations on the map
		assertThat(counter("safemap.map.operations", "map", "early", "op", "size")).isZero();
		assertThat(counter("safemap.map.contended", "map", "early")).isZero();
	}

	@Test
	void contendedOperationsAreCountedAndTimedAndThePercentilesAreTheEndpointsEstimate() {
		binder(0.5, 0.99).bindTo(this.registry);
		MapObserver observer = this.hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 99; i++) {
			observer.contended(MapOperation.MERGE, "sku-1", 1, 1_000_000);
		}
		observer.contended(MapOperation.MERGE, "sku-1", 1, 50_000_000);
		for (int i = 0; i < 900; i++) {
			observer.contended(MapOperation.MERGE, "sku-1", 1, 7_000_000 + i * 1_000);
		}

		assertThat(counter("safemap.map.contended", "map", "stock")).isEqualTo(1000);
		Timer timer = this.registry.get("safemap.map.wait").tag("map", "stock").timer();
		assertThat(timer.count()).isEqualTo(1000);
		assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(50);
		// the timer keeps no client-side percentiles of its own: there is one estimator, the accounting's sketch
		assertThat(timer.takeSnapshot().percentileValues()).isEmpty();
		SafeMapsEndpoint.WaitDescriptor endpoint = new SafeMapsEndpoint(this.hotspots, null, Show.NEVER, List.of())
			.safeMap(SecurityContext.NONE, "stock")
			.waitTime();
		double p99 = this.registry.get("safemap.map.wait.percentile").tags("map", "stock", "phi", "0.99").gauge().value();
		double p50 = this.registry.get("safemap.map.wait.percentile").tags("map", "stock", "phi", "0.5").gauge().value();
		assertThat(endpoint.p99Millis()).isGreaterThan(endpoint.p50Millis()).isGreaterThan(1.0);
		assertThat(p99 * 1000).isEqualTo(endpoint.p99Millis(), org.assertj.core.data.Offset.offset(1e-9));
		assertThat(p50 * 1000).isEqualTo(endpoint.p50Millis(), org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void withNoPercentilesConfiguredNoPercentileGaugeIsPublished() {
		binder().bindTo(this.registry);
		this.hotspots.create("stock", GuardMode.GUARD).contended(MapOperation.MERGE, "sku-1", 1, 1_000_000);
		assertThat(this.registry.find("safemap.map.wait.percentile").gauges()).isEmpty();
		assertThat(this.registry.get("safemap.map.wait").tag("map", "stock").timer().count()).isEqualTo(1);
	}

	@Test
	void racesAreCountedByKind() {
		binder().bindTo(this.registry);
		MapObserver observer = this.hotspots.create("legacy", GuardMode.DETECT);
		CallSite site = new CallSite("com.example.Legacy", "count", 1);
		observer.raceDetected(RaceReport.Kind.CONCURRENT_WRITE, MapOperation.PUT);
		observer.race(new RaceReport("legacy", RaceReport.Kind.CONCURRENT_WRITE, MapOperation.PUT, "#0123456789", site,
				site, "t1", "t2", Instant.EPOCH));

		assertThat(counter("safemap.races", "map", "legacy", "kind", "concurrent_write")).isEqualTo(1);
		assertThat(counter("safemap.races", "map", "legacy", "kind", "lost_update")).isZero();
		assertThat(counter("safemap.races.reported", "map", "legacy", "kind", "concurrent_write")).isEqualTo(1);
	}

	@Test
	void resetDoesNotMakeCountersGoBackwards() {
		binder().bindTo(this.registry);
		GuardedMap<String, Long> map = guarded("m");
		map.put("k", 1L);
		this.hotspots.resetAll();
		assertThat(counter("safemap.map.operations", "map", "m", "op", "put")).isEqualTo(1);
	}

	@Test
	void noTagCarriesAKey() {
		binder(0.5).bindTo(this.registry);
		GuardedMap<String, Long> map = guarded("sessions");
		for (String key : List.of("alice@example.com", "bob@example.com", "token-123")) {
			map.put(key, 1L);
			map.get(key);
		}
		this.hotspots.create("sessions", GuardMode.GUARD).contended(MapOperation.PUT, "alice@example.com", 0, 10);

		for (Meter meter : this.registry.getMeters()) {
			for (Tag tag : meter.getId().getTags()) {
				assertThat(tag.getKey()).isIn("map", "op", "kind", "phi");
				assertThat(tag.getValue()).doesNotContain("alice", "bob", "token");
			}
		}
		assertThat(this.registry.getMeters()).isNotEmpty();
	}

	private GuardedMap<String, Long> guarded(String name) {
		Map<String, Long> target = new HashMap<>();
		return GuardedMap.builder(name)
			.observer(this.hotspots.create(name, GuardMode.GUARD))
			.registry(this.maps)
			.wrap(target);
	}

	private double counter(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

}
