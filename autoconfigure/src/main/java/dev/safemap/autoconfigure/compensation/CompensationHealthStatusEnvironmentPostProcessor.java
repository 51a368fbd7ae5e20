package dev.safemap.autoconfigure.compensation;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the compensation queue's {@code DEGRADED} health visible in the overall {@code /actuator/health} status
 * without extra properties: Spring Boot leaves a status out of the aggregate unless it is in
 * {@code management.endpoint.health.status.order}, so when that property is not set this adds, with the lowest
 * precedence, the default order with {@code degraded} between {@code out-of-service} and {@code up}. The HTTP
 * status of {@code DEGRADED} stays Spring Boot's default for a status it has no mapping for (200): a queue that
 * waits for a failing downstream does not fail probes or get instances restarted. Setting the order yourself
 * replaces this default (keep {@code degraded} in it to see the status).
 * <p>
 * Package-private (loaded through {@code META-INF/spring.factories}): auto-configuration packages publish only
 * auto-configurations and properties.
 * <p>
 * Thread-safety: stateless.
 */
final class CompensationHealthStatusEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The status order property of Spring Boot's health endpoint. */
	static final String ORDER_PROPERTY = "management.endpoint.health.status.order";

	/** Spring Boot's default order with {@code degraded} added. */
	static final String ORDER = "down,out-of-service,degraded,up,unknown";

	private static final String SOURCE = "safemapCompensationHealthDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(ORDER_PROPERTY) || environment.getPropertySources().contains(SOURCE)) {
			return;
		}
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(ORDER_PROPERTY, ORDER)));
	}

	@Override
	public int getOrder() {
		// after the config data (application.properties) is loaded, so a user's own order is seen
		return Ordered.LOWEST_PRECEDENCE;
	}

}
