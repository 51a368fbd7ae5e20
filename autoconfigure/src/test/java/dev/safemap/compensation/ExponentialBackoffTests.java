package dev.safemap.compensation;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExponentialBackoffTests {

	@Test
	void defaultsAreOneSecondDoublingWithHalfSpreadUpToFiveMinutes() {
		ExponentialBackoff backoff = ExponentialBackoff.builder().build();
		assertThat(backoff.initialInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.multiplier()).isEqualTo(2.0);
		assertThat(backoff.randomizationFactor()).isEqualTo(0.5);
		assertThat(backoff.maxInterval()).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void waitsGrowByTheMultiplierUpToTheMaximum() {
		ExponentialBackoff backoff = ExponentialBackoff.builder()
			.initialInterval(Duration.ofSeconds(1))
			.multiplier(3.0)
			.randomizationFactor(0.0)
			.maxInterval(Duration.ofSeconds(5))
			.build();
		assertThat(backoff.toIntervalFunction().apply(1)).isEqualTo(1000L);
		assertThat(backoff.toIntervalFunction().apply(2)).isEqualTo(3000L);
		assertThat(backoff.toIntervalFunction().apply(3)).isEqualTo(5000L);
	}

	@Test
	void eachSetterRejectsItsBadValueNamingIt() {
		ExponentialBackoff.Builder builder = ExponentialBackoff.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.initialInterval(Duration.ZERO))
			.withMessageContaining("initialInterval")
			.withMessageContaining("PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxInterval(null))
			.withMessageContaining("maxInterval");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.multiplier(0.5))
			.withMessageContaining("multiplier")
			.withMessageContaining("0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.multiplier(Double.NaN))
			.withMessageContaining("NaN");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.randomizationFactor(1.0))
			.withMessageContaining("randomizationFactor")
			.withMessageContaining("1.0");
	}

	@Test
	void maximumBelowTheInitialIntervalIsRejectedWhenBuilt() {
		ExponentialBackoff.Builder builder = ExponentialBackoff.builder()
			.initialInterval(Duration.ofSeconds(10))
			.maxInterval(Duration.ofSeconds(5));
		assertThatIllegalArgumentException().isThrownBy(builder::build)
			.withMessageContaining("PT10S")
			.withMessageContaining("PT5S");
	}

}
