package dev.safemap.autoconfigure.compensation;

import java.io.IOException;
import java.nio.file.Path;

import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user sees at {@code /actuator/health} with no property of their own: a dead letter turns the overall
 * status {@code DEGRADED} (HTTP 200); a status order of the user's replaces SafeMap's default.
 */
class CompensationHealthVisibilityTests {

	@TempDir
	Path directory;

	private ConfigurableApplicationContext run(String... properties) {
		return new SpringApplicationBuilder(HealthApplication.class).web(WebApplicationType.NONE)
			.properties("safemap.compensation.store.directory=" + this.directory,
					"safemap.compensation.poll-interval=1h", "safemap.compensation.max-attempts=1")
			.properties(properties)
			.run();
	}

	private static void leaveADeadLetter(ConfigurableApplicationContext context) {
		CompensationRegistry registry = context.getBean(CompensationRegistry.class);
		registry.register("ledger#post()", (entry) -> {
			throw new IOException("ledger down");
		});
		registry.enqueue(CompensationRequest.of("ledger#post()", "[]"));
		registry.replayDue();
		assertThat(registry.counts()).containsEntry(CompensationStatus.DEAD, 1L);
	}

	@Test
	void deadLetterTurnsTheOverallHealthDegradedWithHttp200WithoutExtraProperties() {
		try (ConfigurableApplicationContext context = run()) {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			leaveADeadLetter(context);

			Status status = health.health().getStatus();
			assertThat(status.getCode()).isEqualTo("DEGRADED");
			assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(status)).isEqualTo(200);
		}
	}

	@Test
	void statusOrderOfTheUserReplacesTheDefault() {
		try (ConfigurableApplicationContext context = run("management.endpoint.health.status.order=down,up")) {
			leaveADeadLetter(context);
			assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, JacksonAutoConfiguration.class,
			EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
			CompensationAutoConfiguration.class })
	static class HealthApplication {

	}

}
