package dev.safemap.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.safemap.autoconfigure.guard.SafeMapGuardProperties;
import dev.safemap.guard.GuardMode;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
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
 * {@link SafeMapRaceCheck} or the environment sets {@code safemap.test.race-check} to fail or warn, and
 * adds {@link Perturbation} to them through a primary {@link RaceCheckObserverFactory}.
 * Registered in {@code META-INF/spring.factories}. Thread-safety: stateless.
 */
final class RaceCheckContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		SafeMapRaceCheck annotation = RaceCheckSettings.findAnnotation(testClass);
		Boolean annotated = (annotation != null) ? annotation.mode() != SafeMapRaceCheck.Mode.OFF : null;
		return new RaceCheckContextCustomizer(annotated);
	}

	/**
	 * Equal for every test class without the annotation (and for every annotated class that is not
	 * OFF), so it splits the context cache no more than the maps' modes require.
	 */
	static final class RaceCheckContextCustomizer implements ContextCustomizer {

		static final String PROPERTY_SOURCE = "safemapRaceCheck";

		/** true: annotated, checked; false: annotated OFF; null: the property decides. */
		private final @Nullable Boolean annotated;

		RaceCheckContextCustomizer(@Nullable Boolean annotated) {
			this.annotated = annotated;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			boolean check = (this.annotated != null) ? this.annotated
					: RaceCheckSettings.mode(null, environment) != SafeMapRaceCheck.Mode.OFF;
			if (!check) {
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
				// watch mode samples lost updates only: under the race check every pattern is looked for
				if (settings.getMode() == GuardMode.GUARD || settings.getMode() == GuardMode.WATCH) {
					properties.put("safemap.guard.maps." + name + ".mode", "detect");
				}
			});
			environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
			if (context.getBeanFactory() instanceof BeanDefinitionRegistry registry) {
				RootBeanDefinition definition = new RootBeanDefinition(RaceCheckObserverFactory.class);
				definition.setPrimary(true);
				definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
				registry.registerBeanDefinition(RaceCheckObserverFactory.BEAN_NAME, definition);
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof RaceCheckContextCustomizer that && Objects.equals(this.annotated, that.annotated);
		}

		@Override
		public int hashCode() {
			return Objects.hashCode(this.annotated);
		}

	}

}
