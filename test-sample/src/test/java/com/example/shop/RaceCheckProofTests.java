package com.example.shop;

import java.nio.file.Files;
import java.nio.file.Path;

import com.example.legacy.LegacyApplication;
import dev.safemap.test.Concurrently;
import dev.safemap.test.SafeMapRaceCheck;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Proof that the race check fails the tests it should: runs the nested test classes below (which
 * surefire never runs on their own) with the JUnit Platform's EngineTestKit and asserts on their
 * outcome and failure messages.
 */
class RaceCheckProofTests {

	@Test
	void racyCounterDrivenByConcurrentRequestsFailsItsTestWithBothCallSitesAndThreads() {
		String message = failureOf(RacyCounter.class);
		assertThat(message).contains("SafeMap race check:", "map 'hitCounter.hits'", "LOST_UPDATE by PUT", "on key #")
			.containsPattern("at com\\.example\\.shop\\.HitCounter\\.hit:\\d+ \\[thread concurrently-\\d\\], conflicting with"
					+ " com\\.example\\.shop\\.HitCounter\\.hit:\\d+ \\[thread concurrently-\\d\\]");
	}

	@Test
	void warmUpRacingRefresherFailsItsTestWithBothCallSites() {
		String message = failureOf(RacyCatalog.class);
		assertThat(message).contains("map 'prices'", "LOST_UPDATE", "com.example.shop.PriceCatalog.refresh:",
				"com.example.shop.PriceCatalog.warmUp:");
	}

	@Test
	void warnModeLetsTheTestPassAndWritesTheJsonReport() throws Exception {
		Events events = run(WarnMode.class);
		events.assertStatistics((stats) -> stats.started(1).succeeded(1).failed(0));
		Path report = Path.of("target", "safemap-reports",
				"com.example.shop.RaceCheckProofTests$WarnMode.racyHits.json");
		assertThat(report).exists();
		assertThat(Files.readString(report)).contains("\"map\" : \"hitCounter.hits\"", "\"kind\" : \"LOST_UPDATE\"",
				"\"allowed\" : false", "\"site\" : \"com.example.shop.HitCounter.hit:");
	}

	@Test
	void raceOnAnAllowedMapLetsTheTestPass() {
		run(AllowedMap.class).assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	@Test
	void raceAtAnAllowedCallSiteLetsTheTestPass() {
		run(AllowedSite.class).assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	@Test
	void propertyAloneTurnsTheCheckOnForASpringBootTest() {
		assertThat(failureOf(PropertyOnly.class)).contains("map 'hitCounter.hits'", "LOST_UPDATE");
	}

	@Test
	void strictFieldsFailATestWhoseContextHasAFinalHashMapField() {
		assertThat(failureOf(StrictFields.class)).contains("strict fields",
				"LegacyReportService.totals (java.util.HashMap in com.example.legacy.LegacyReportService)",
				"the field is final");
	}

	private static Events run(Class<?> testClass) {
		return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
	}

	private static String failureOf(Class<?> testClass) {
		Events events = run(testClass);
		events.assertStatistics((stats) -> stats.started(1).failed(1));
		Throwable failure = events.failed()
			.stream()
			.findFirst()
			.orElseThrow()
			.getRequiredPayload(TestExecutionResult.class)
			.getThrowable()
			.orElseThrow();
		assertThat(failure).isInstanceOf(AssertionError.class);
		try {
			// kept for reading (docs/testing.md quotes one)
			Files.createDirectories(Path.of("target", "safemap-reports"));
			Files.writeString(Path.of("target", "safemap-reports", testClass.getSimpleName() + ".failure.txt"),
					failure.getMessage());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return failure.getMessage();
	}

	/** Hits the racy counter from 4 threads x 25 rounds of MockMvc requests. */
	static void racyHits(MockMvc mockMvc) {
		Concurrently.run(4, 25, () -> mockMvc.perform(post("/hits/home")).andExpect(status().isOk()));
	}

	/** Runs the racy catalog's warm-up and refresher together, 50 rounds. */
	static void warmUpWhileRefreshing(PriceCatalog catalog) {
		Concurrently.run(2, 50, (thread, round) -> {
			if (thread == 0) {
				catalog.warmUp(round);
			}
			else {
				catalog.refresh(round);
			}
		});
	}

	@SafeMapRaceCheck
	@SpringBootTest
	@AutoConfigureMockMvc
	static class RacyCounter {

		@Autowired
		MockMvc mockMvc;

		@Test
		void racyHits() {
			RaceCheckProofTests.racyHits(this.mockMvc);
		}

	}

	@SafeMapRaceCheck
	@SpringBootTest
	@AutoConfigureMockMvc
	static class RacyCatalog {

		@Autowired
		PriceCatalog catalog;

		@Test
		void warmUpWhileRefreshing() {
			RaceCheckProofTests.warmUpWhileRefreshing(this.catalog);
		}

	}

	@SafeMapRaceCheck(mode = SafeMapRaceCheck.Mode.WARN)
	@SpringBootTest
	@AutoConfigureMockMvc
	static class WarnMode {

		@Autowired
		MockMvc mockMvc;

		@Test
		void racyHits() {
			RaceCheckProofTests.racyHits(this.mockMvc);
		}

	}

	@SafeMapRaceCheck(allowMaps = "hitCounter.hits")
	@SpringBootTest
	@AutoConfigureMockMvc
	static class AllowedMap {

		@Autowired
		MockMvc mockMvc;

		@Test
		void racyHits() {
			RaceCheckProofTests.racyHits(this.mockMvc);
		}

	}

	@SafeMapRaceCheck(allowSites = "com.example.shop.PriceCatalog.refresh")
	@SpringBootTest
	@AutoConfigureMockMvc
	static class AllowedSite {

		@Autowired
		PriceCatalog catalog;

		@Test
		void warmUpWhileRefreshing() {
			RaceCheckProofTests.warmUpWhileRefreshing(this.catalog);
		}

	}

	@SpringBootTest(properties = "safemap.test.race-check=fail")
	@AutoConfigureMockMvc
	static class PropertyOnly {

		@Autowired
		MockMvc mockMvc;

		@Test
		void racyHits() {
			RaceCheckProofTests.racyHits(this.mockMvc);
		}

	}

	@SafeMapRaceCheck
	@SpringBootTest(classes = LegacyApplication.class)
	static class StrictFields {

		@Test
		void anyTest() {
			assertThat(LegacyApplication.class).isNotNull();
		}

	}

}
