package dev.safemap.autoconfigure.guard;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.safemap.autoconfigure.masking.MaskingAutoConfiguration;
import dev.safemap.beans.GuardedMapBeanPostProcessor;
import dev.safemap.beans.GuardedMapBeanSettings;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of guarded map beans: a {@link GuardedMapRegistry} and the
 * {@link GuardedMapBeanPostProcessor} that guards singleton {@code Map} beans. Needs neither
 * actuator nor Micrometer. Switched off by {@code safemap.guard.enabled=false}.
 * <p>
 * Bad {@code safemap.guard.*} values fail startup with an {@link InvalidSafeMapPropertyException}
 * (or Boot's own report for a value that does not bind); the core types decide what is valid.
 * <p>
 * Thread-safety: used by the container during startup only; the beans it defines are thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(GuardedMap.class)
@ConditionalOnBooleanProperty(name = "safemap.guard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SafeMapGuardProperties.class)
public final class GuardedMapAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GuardedMapRegistry safeMapGuardedMapRegistry(SafeMapGuardProperties properties) {
		int maxReports = properties.getMaxReports();
		return InvalidSafeMapPropertyException.apply("safemap.guard.max-reports", maxReports,
				"Set safemap.guard.max-reports to 1 or more (default " + GuardedMapRegistry.DEFAULT_MAX_REPORTS + ")",
				() -> new GuardedMapRegistry(maxReports));
	}

	/**
	 * The post-processor is created before the properties bean exists: it gets
	 * {@code safemap.guard.*} bound here from the environment.
	 */
	@Bean
	@ConditionalOnMissingBean
	static GuardedMapBeanPostProcessor safeMapGuardedMapBeanPostProcessor(Environment environment,
			ObjectProvider<GuardedMapRegistry> registry, ObjectProvider<MapObserverFactory> observerFactory,
			ObjectProvider<KeyMasker> keyMasker) {
		MaskingAutoConfiguration.refuseRemovedProperties(environment);
		SafeMapGuardProperties properties = Binder.get(environment)
			.bind("safemap.guard", SafeMapGuardProperties.class)
			.orElseGet(SafeMapGuardProperties::new);
		boolean showKeys = MaskingAutoConfiguration.bind(environment).getShowKeys().inLogs();
		return new GuardedMapBeanPostProcessor(settings(properties, showKeys), registry, observerFactory,
				() -> keyMasker.getIfAvailable(KeyMasker::shared));
	}

	static GuardedMapBeanSettings settings(SafeMapGuardProperties properties, boolean showKeys) {
		Map<String, @Nullable GuardMode> modes = new LinkedHashMap<>();
		properties.getMaps().forEach((name, map) -> modes.put(name, map.getMode()));
		int watchSampling = properties.getWatchSampling();
		return InvalidSafeMapPropertyException.apply("safemap.guard.watch-sampling", watchSampling,
				"Set safemap.guard.watch-sampling to a power of two from 1 to 1048576 (default "
						+ GuardedMapBeanSettings.DEFAULT_WATCH_SAMPLING + ")",
				() -> new GuardedMapBeanSettings(properties.getDefaultMode(), modes, properties.getInclude(),
						properties.getExclude(), GuardedMapBeanSettings.Fields.valueOf(properties.getFields().name()),
						showKeys, watchSampling));
	}

}
