package dev.safemap.autoconfigure.dashboard;

import java.time.Clock;

import dev.safemap.actuate.dashboard.BreakerActivity;
import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.breaker.FallbackCacheCustomizer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Auto-configuration of the SafeMap dashboard's part in the application context: what it must record from startup
 * on (circuit breaker transitions, ages of values served from fallback). The page itself is served from the
 * management context ({@code DashboardManagementContextConfiguration}), on the management server when one is
 * configured. Off unless {@code safemap.dashboard.enabled=true}; needs a servlet web application, the actuator and
 * Jackson.
 * <p>
 * Thread-safety: used by the container during startup only.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = BreakerAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "safemap.dashboard.enabled")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Endpoint.class, SseEmitter.class, JsonMapper.class })
@EnableConfigurationProperties(SafeMapDashboardProperties.class)
public final class DashboardAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CircuitBreakerRegistry.class, FallbackCacheCustomizer.class })
	static class BreakerActivityConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BreakerActivity safemapDashboardBreakerActivity(ObjectProvider<CircuitBreakerRegistry> breakers) {
			BreakerActivity activity = new BreakerActivity(Clock.systemUTC());
			breakers.ifAvailable(activity::watch);
			return activity;
		}

		/** Adds the activity as a listener of every fallback cache. */
		@Bean
		FallbackCacheCustomizer safemapDashboardFallbackCacheCustomizer(BreakerActivity activity) {
			return (name, builder, store) -> builder.listener(activity);
		}

	}

}
