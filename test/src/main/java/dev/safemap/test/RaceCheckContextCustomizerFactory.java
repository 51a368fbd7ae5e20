package dev.safemap.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.safemap.autoconfigure.guard.SafeMapGuardProperties;
import dev.safemap.guard.GuardMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts a test's application context with SafeMap's maps in detect mode when the test class carries
 * {@link SafeMapRaceCheck} or the environment sets {@code safemap.test.race-check} to fail or warn.
 * Registered in {@code META-INF/spring.factories}. Thread-safety: stateless.
 */
final class RaceCheckContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		SafeMapRaceCheck annotation = RaceCheckSettings.findAnnotation(testClass);
		return new RaceCheckContextCustomizer(annotation != null, (annotation != null) ? annotation.mode() : null);
	}

	/** Equal for every test class without the annotation, so it does not split the context cache. */
	static final class RaceCheckContextCustomizer implements ContextCustomizer {

		static final String PROPERTY_SOURCE = "safemapRaceCheck";

		private final boolean annotated;

		private final SafeMapRaceCheck.@Nullable Mode annotatedMode;

		RaceCheckContextCustomizer(boolean annotated, SafeMapRaceCheck.@Nullable Mode annotatedMode) {
			this.annotated = annotated;
			this.annotatedMode = annotatedMode;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			SafeMapRaceCheck.Mode mode;
			if (this.annotated && this.annotatedMode != SafeMapRaceCheck.Mode.DEFAULT) {
				mode = this.annotatedMode;
			}
			else {
				String value = environment.getProperty(RaceCheckSettings.MODE_PROPERTY);
				mode = (value == null || value.isBlank())
						? (this.annotated ? SafeMapRaceCheck.Mode.FAIL : SafeMapRaceCheck.Mode.OFF)
						: RaceCheckSettings.mode(null, environment);
			}
			if (mode == SafeMapRaceCheck.Mode.OFF) {
				return;
			}
			SafeMapGuardProperties guard = Binder.get(environment)
				.bind("safemap.guard", SafeMapGuardProperties.class)
				.orElseGet(SafeMapGuardProperties::new);
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("safemap.guard.default-mode", "detect");
			if (guard.getFields() != SafeMapGuardProperties.Fields.OFF) {
				properties.put("safemap.guard.fields", "wrap");
			}
			guard.getMaps().forEach((name, settings) -> {
				if (settings.getMode() == GuardMode.GUARD) {
					properties.put("safemap.guard.maps." + name + ".mode", "detect");
				}
			});
			environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof RaceCheckContextCustomizer that && this.annotated == that.annotated
					&& this.annotatedMode == that.annotatedMode;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.annotated, this.annotatedMode);
		}

	}

}
