package dev.safemap.guard;

import java.time.Instant;
import java.util.HashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(OutputCaptureExtension.class)
class GuardedMapRegistryTests {

	private static final CallSite A = new CallSite("com.acme.Stats", "hit", 42);

	private static final CallSite B = new CallSite("com.acme.Admin", "reset", 7);

	private static RaceReport report(String map, CallSite site, CallSite other) {
		return new RaceReport(map, RaceReport.Kind.LOST_UPDATE, MapOperation.PUT, "#0123456789", site, other, "t1", "t2",
				Instant.now());
	}

	@Test
	void raceIsLoggedOncePerMapKindAndPairOfSitesWhicheverSiteCompletedIt(CapturedOutput output) {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		registry.record(report("counts", A, B));
		registry.record(report("counts", B, A));
		registry.record(report("counts", A, B));
		registry.record(report("other", A, B));
		assertThat(output.toString().split("Race in map 'counts'", -1)).hasSize(2);
		assertThat(output).contains("Race in map 'counts': LOST_UPDATE by PUT on key #0123456789 at com.acme.Stats.hit:42")
			.contains("conflicting with com.acme.Admin.reset:7")
			.contains("use one atomic call")
			.contains("Race in map 'other'");
		assertThat(registry.recentReports("counts")).hasSize(3);
	}

	@Test
	void reportListsAreBoundedAndKeepTheNewest() {
		GuardedMapRegistry registry = new GuardedMapRegistry(2);
		RaceReport first = report("m", A, B);
		RaceReport second = report("m", B, A);
		RaceReport third = report("n", A, A);
		registry.record(first);
		registry.record(second);
		registry.record(third);
		assertThat(registry.recentReports()).containsExactly(second, third);
		assertThat(registry.recentReports("m")).containsExactly(first, second);
		assertThat(registry.recentReports("unknown")).isEmpty();
	}

	@Test
	void mapsAreListedByNameAndNamesAreUnique() {
		GuardedMapRegistry registry = new GuardedMapRegistry();
		GuardedMap<String, Integer> b = GuardedMap.builder("b").registry(registry).wrap(new HashMap<>());
		GuardedMap.builder("a").mode(GuardMode.DETECT).registry(registry).wrap(new HashMap<>());
		b.put("x", 1);
		assertThat(registry.maps()).extracting(GuardedMapRegistry.MapInfo::name).containsExactly("a", "b");
		assertThat(registry.map("b")).get().satisfies((info) -> {
			assertThat(info.size()).isEqualTo(1);
			assertThat(info.mode()).isEqualTo(GuardMode.GUARD);
			assertThat(info.originalType()).isEqualTo(HashMap.class);
		});
		assertThatIllegalArgumentException().isThrownBy(() -> GuardedMap.builder("b").registry(registry).wrap(new HashMap<>()))
			.withMessageContaining("'b' is already registered");
		assertThatIllegalArgumentException().isThrownBy(() -> new GuardedMapRegistry(0)).withMessageContaining("but was 0");
	}

}
