package dev.safemap.hotspots;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HotspotsConfigTests {

	@Test
	void defaultsAreWithinTheirRanges() {
		HotspotsConfig config = HotspotsConfig.defaults();
		assertThat(config.topKeys()).isEqualTo(10);
		assertThat(config.keySampleRate()).isEqualTo(1.0 / 64);
		assertThat(config.sampleRate()).isEqualTo(1.0 / 64);
		assertThat(config.callSiteSampleRate()).isEqualTo(HotspotsConfig.DEFAULT_CALL_SITE_SAMPLE_RATE);
		assertThat(config.maxCallSites()).isEqualTo(64);
		assertThat(config.recentRaces()).isEqualTo(20);
		// the default capture is CallSite.capture(): from here, the first application frame is this test
		assertThat(config.callSiteCapture().get().className()).isEqualTo(HotspotsConfigTests.class.getName());
	}

	@Test
	void badValuesAreRejectedWithTheValueInTheMessage() {
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().topKeys(0))
			.withMessageContaining("but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().topKeys(1_000_000))
			.withMessageContaining("1000000");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().keySampleRate(0))
			.withMessageContaining("0.0");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().keySampleRate(Double.NaN))
			.withMessageContaining("NaN");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().sampleRate(0))
			.withMessageContaining("sampleRate").withMessageContaining("0.0");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().sampleRate(2))
			.withMessageContaining("2.0");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().callSiteSampleRate(-0.5))
			.withMessageContaining("-0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().callSiteSampleRate(1.5))
			.withMessageContaining("1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().maxCallSites(0))
			.withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> HotspotsConfig.builder().recentRaces(-1))
			.withMessageContaining("-1");
	}

	@Test
	void sketchSizeGrowsWithTopKeysWithinBounds() {
		assertThat(MapAccounting.sketchSize(1)).isEqualTo(256);
		assertThat(MapAccounting.sketchSize(10)).isEqualTo(1024);
		assertThat(MapAccounting.sketchSize(100)).isEqualTo(8192);
	}

}
