package dev.safemap.autoconfigure.hotspots;

import java.time.Clock;

import dev.safemap.actuate.OperatorActions;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.autoconfigure.masking.SafeMapMaskingProperties;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.hotspots.Hotspots;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code safemaps} actuator endpoint, which reads the {@link Hotspots}
 * accounting (and the {@link GuardedMapRegistry} when there is one): present when the actuator is on
 * the classpath, a {@link Hotspots} bean exists and the endpoint is available (exposed over HTTP only
 * when {@code management.endpoints.web.exposure.include} lists it). Configured by
 * {@code safemap.masking.show-keys} and {@code safemap.masking.roles}. The endpoint is read-only unless
 * {@code management.endpoint.safemaps.access=unrestricted}; resets are logged and published as audit events.
 * <p>
 * Thread-safety: used by the container during startup only; the endpoint is thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = HotspotsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(Hotspots.class)
@EnableConfigurationProperties({ SafeMapHotspotsProperties.class, SafeMapMaskingProperties.class })
public final class SafeMapsEndpointAutoConfiguration {

	/**
	 * A second level: the actuator's class condition above must be decided before
	 * {@code @ConditionalOnAvailableEndpoint}, whose condition class lives in the optional actuator.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(SafeMapsEndpoint.class)
	static class SafeMapsEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SafeMapsEndpoint safeMapsEndpoint(Hotspots hotspots, SafeMapMaskingProperties masking,
				ObjectProvider<GuardedMapRegistry> registry, ApplicationEventPublisher publisher) {
			return new SafeMapsEndpoint(hotspots, registry.getIfAvailable(),
					Show.valueOf(masking.getShowKeys().name()), masking.getRoles(),
					new OperatorActions(publisher, Clock.systemUTC()));
		}

	}

}
