package dev.safemap.autoconfigure.compensation;

import java.time.Clock;

import dev.safemap.actuate.OperatorActions;
import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.autoconfigure.masking.SafeMapMaskingProperties;
import dev.safemap.actuate.compensation.CompensationsEndpointWebExtension;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.support.KeyMasker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code compensations} actuator endpoint ({@link CompensationsEndpoint}), when the
 * endpoint is available (enabled and exposed) and the application has a {@link CompensationRegistry}. The
 * endpoint is read-only unless {@code management.endpoint.compensations.access=unrestricted}; retries and
 * discards are logged and published as audit events.
 * <p>
 * Thread-safety: used by the container during startup only; the endpoint is thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = CompensationAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, CompensationsEndpoint.class })
@ConditionalOnAvailableEndpoint(CompensationsEndpoint.class)
@ConditionalOnBean(CompensationRegistry.class)
@EnableConfigurationProperties({ SafeMapCompensationProperties.class, SafeMapMaskingProperties.class })
public final class CompensationsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CompensationsEndpoint compensationsEndpoint(CompensationRegistry registry, SafeMapMaskingProperties masking,
			ObjectProvider<KeyMasker> keyMasker, ApplicationEventPublisher publisher) {
		return new CompensationsEndpoint(registry, keyMasker.getIfAvailable(KeyMasker::shared),
				Show.valueOf(masking.getShowKeys().name()), masking.getRoles(),
				new OperatorActions(publisher, Clock.systemUTC()));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(CompensationsEndpoint.class)
	CompensationsEndpointWebExtension compensationsEndpointWebExtension(CompensationsEndpoint endpoint) {
		return new CompensationsEndpointWebExtension(endpoint);
	}

}
