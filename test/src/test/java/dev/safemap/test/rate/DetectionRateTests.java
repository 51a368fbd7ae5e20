package dev.safemap.test.rate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detection rate of the race check: each map pattern of the failure catalogue, 100 runs of the racy
 * version and 100 of the correct one, each on a fresh detect-mode map driven by Concurrently. The
 * table goes to target/detection-rate.md (copied into docs/testing.md). A few minutes on 2 cores: only
 * with {@code -Pdetection-rate}.
 * <p>
 * The verdict on the racy versions is probabilistic: a run misses only if no racing pair of operations
 * overlapped in any of its rounds (rates measured: docs/testing.md). The correct versions must give 0
 * reports, which is deterministic (no interleaving can produce one).
 */
@Tag("detection-rate")
class DetectionRateTests {

	private static final int RUNS = 100;

	private static final Path TABLE = Path.of("target", "detection-rate.md");

	@BeforeAll
	static void startTable() throws IOException {
		Files.createDirectories(TABLE.getParent());
		Files.writeString(TABLE, DetectionRate.HEADER + "\n");
	}

	@ParameterizedTest
	@EnumSource(MapPattern.class)
	void racyPatternIsFoundInAtLeast95Of100RunsAndCorrectPatternNeverReported(MapPattern pattern) throws IOException {
		DetectionRate.Result result = DetectionRate.measure(pattern, RUNS);
		Files.writeString(TABLE, result.row() + "\n", StandardOpenOption.APPEND);
		assertThat(result.correctFalseReports()).as("correct version of %s reported", pattern).isZero();
		assertThat(result.racyFound()).as("runs of %s that found the race", pattern).isGreaterThanOrEqualTo(95);
	}

}
