package dev.safemap.actuate.compensation;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code target} tag has bounded cardinality and no parameter list (issue 16: a whole method signature). */
@ExtendWith(OutputCaptureExtension.class)
class CompensationMetricsTargetTagTests {

	private final CompensationMetrics metrics = new CompensationMetrics(() -> null, Duration.ZERO);

	@Test
	void theTagIsTheTargetWithoutItsParameterList() {
		assertThat(this.metrics.targetTag("stockClient#reserve(dev.safemap.example.compensation.Reservation)"))
			.isEqualTo("stockClient#reserve");
		assertThat(this.metrics.targetTag("payments#charge()")).isEqualTo("payments#charge");
		assertThat(this.metrics.targetTag("refund-order")).isEqualTo("refund-order");
	}

	@Test
	void targetsBeyondTheBoundAreTaggedOtherWithOneWarning(CapturedOutput output) {
		Set<String> tags = new HashSet<>();
		// a target name built from data: one per order
		for (int i = 0; i < 1_000; i++) {
			tags.add(this.metrics.targetTag("refund-order-" + i));
		}
		assertThat(tags).hasSize(CompensationMetrics.MAX_TARGETS + 1).contains(CompensationMetrics.OTHER_TARGET);
		assertThat(this.metrics.targetTag("refund-order-7")).as("a known target keeps its tag").isEqualTo("refund-order-7");
		assertThat(output.toString().split("More than 100 compensation targets", -1)).hasSize(2);
	}

}
