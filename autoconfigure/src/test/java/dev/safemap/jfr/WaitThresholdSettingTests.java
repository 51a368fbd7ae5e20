package dev.safemap.jfr;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WaitThresholdSettingTests {

	@Test
	void readsDurationsWithAndWithoutASpace() {
		assertThat(WaitThresholdSetting.parse("10 ms")).isEqualTo(10_000_000L);
		assertThat(WaitThresholdSetting.parse("500us")).isEqualTo(500_000L);
		assertThat(WaitThresholdSetting.parse("0")).isZero();
		assertThat(WaitThresholdSetting.parse("2 s")).isEqualTo(2_000_000_000L);
	}

	@Test
	void anUnreadableValueKeepsThePreviousOne() {
		WaitThresholdSetting setting = new WaitThresholdSetting();
		setting.setValue("3 ms");
		setting.setValue("fast");
		setting.setValue("-1 ms");
		assertThat(setting.nanos()).isEqualTo(3_000_000L);
		assertThat(setting.getValue()).isEqualTo("3 ms");
	}

	@Test
	void severalRecordingsGetTheLowestThreshold() {
		assertThat(new WaitThresholdSetting().combine(Set.of("10 ms", "500 us", "junk", "1 s"))).isEqualTo("500 us");
		assertThat(new WaitThresholdSetting().combine(Set.of())).isEqualTo("0 ns");
	}

}
