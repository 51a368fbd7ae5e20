package dev.safemap.test;

import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race check puts every map in detect mode: the default mode, and the maps given their own guard or
 * watch mode (watch mode looks for lost updates only).
 */
class RaceCheckContextCustomizerTests {

	@Test
	void guardAndWatchMapsAreSwitchedToDetectOffMapsAreLeftOff() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("app",
				java.util.Map.of("safemap.guard.maps.counts.mode", "watch", "safemap.guard.maps.settings.mode", "guard",
						"safemap.guard.maps.legacy.mode", "off")));
		new RaceCheckContextCustomizerFactory.RaceCheckContextCustomizer(true).customizeContext(context, null);
		assertThat(context.getEnvironment().getProperty("safemap.guard.default-mode")).isEqualTo("detect");
		assertThat(context.getEnvironment().getProperty("safemap.guard.maps.counts.mode")).isEqualTo("detect");
		assertThat(context.getEnvironment().getProperty("safemap.guard.maps.settings.mode")).isEqualTo("detect");
		assertThat(context.getEnvironment().getProperty("safemap.guard.maps.legacy.mode")).isEqualTo("off");
		context.close();
	}

}
