package dev.safemap.autoconfigure.guard;

import dev.safemap.beans.GuardedMapBeanPostProcessor;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapObserverFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of guarded map beans: a {@link GuardedMapRegistry} and the
 * {@link GuardedMapBeanPostProcessor} that guards singleton {@code Map} beans. Needs neither
 * actuator nor Micrometer. Switched off by {@code safemap.guard.enabled=false}.
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
		if (properties.getMaxReports() < 1) {
			throw new InvalidSafeMapPropertyException("safemap.guard.max-reports", properties.getMaxReports(),
					"at least one report must be kept", "Set safemap.guard.max-reports to 1 or more (default 100)");
		}
		return new GuardedMapRegistry(properties.getMaxReports());
	}

	@Bean
	@ConditionalOnMissingBean
	static GuardedMapBeanPostProcessor safeMapGuardedMapBeanPostProcessor(Environment environment,
			ObjectProvider<GuardedMapRegistry> registry, ObjectProvider<MapObserverFactory> observerFactory) {
		return new GuardedMapBeanPostProcessor(environment, registry, observerFactory);
	}

}
