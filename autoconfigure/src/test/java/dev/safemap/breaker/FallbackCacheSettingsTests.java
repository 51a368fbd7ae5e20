package dev.safemap.breaker;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FallbackCacheSettingsTests {

	@Test
	void builderStartsFromTheDefaults() {
		FallbackCacheSettings settings = FallbackCacheSettings.builder("prices").build();
		assertThat(settings).isEqualTo(new FallbackCacheSettings("prices", Duration.ofMinutes(10), null, false, 10_000,
				null));
	}

	@Test
	void eachSetterRejectsItsBadValueNamingIt() {
		FallbackCacheSettings.Builder builder = FallbackCacheSettings.builder("prices");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxStaleness(Duration.ZERO))
			.withMessageContaining("maxStaleness")
			.withMessageContaining("PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxStaleness(null))
			.withMessageContaining("maxStaleness");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.refreshAfter(Duration.ofSeconds(-1)))
			.withMessageContaining("refreshAfter")
			.withMessageContaining("PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maximumSize(0))
			.withMessageContaining("maximumSize")
			.withMessageEndingWith("0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.waitTimeout(Duration.ZERO))
			.withMessageContaining("waitTimeout");
	}

	@Test
	void refreshAboveTheMaximumStalenessIsRejectedWhenBuilt() {
		FallbackCacheSettings.Builder builder = FallbackCacheSettings.builder("prices")
			.maxStaleness(Duration.ofMinutes(1))
			.refreshAfter(Duration.ofMinutes(5));
		assertThatIllegalArgumentException().isThrownBy(builder::build)
			.withMessageContaining("above the maximum staleness (PT1M)")
			.withMessageContaining("PT5M");
	}

	@Test
	void theRecordEnforcesTheSameRules() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FallbackCacheSettings("prices", Duration.ofMinutes(1), Duration.ofMinutes(2), false,
					1, null))
			.withMessageContaining("above the maximum staleness");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FallbackCacheSettings("prices", Duration.ofMinutes(1), null, false, -3, null))
			.withMessageContaining("-3");
	}

}
