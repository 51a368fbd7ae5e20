package dev.safemap.autoconfigure;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The application and helpers shared by {@link ActuatorDefaultAccessTests} and
 * {@link ActuatorUnrestrictedAccessTests}: a guarded map bean and a compensation registry, both endpoints exposed.
 */
final class ActuatorOperationAccessTestSupport {

	static final String EXPOSED = "management.endpoints.web.exposure.include=safemaps,compensations,auditevents";

	static final String STORE = "safemap.compensation.store.directory=target/actuator-access-${random.uuid}";

	/** An entry of an unknown target goes to dead letters at once (it would wait an hour by default). */
	static final String NO_UNKNOWN_TARGET_WAIT = "safemap.compensation.unknown-target-wait=0";

	private ActuatorOperationAccessTestSupport() {
	}

	/**
	 * Enqueues a write for a target without handler and replays it: with {@link #NO_UNKNOWN_TARGET_WAIT} it goes to
	 * dead letters at once.
	 */
	static String deadEntry(CompensationRegistry registry) {
		String id = registry.enqueue(CompensationRequest.of("nobody#handles()", "[]")).entry().id();
		registry.replayDue();
		if (registry.find(id).orElseThrow().status() != CompensationStatus.DEAD) {
			throw new IllegalStateException("expected a dead entry: " + registry.find(id));
		}
		return id;
	}

	/** Stores a write due in an hour: it stays pending for the whole test. */
	static String pendingEntry(CompensationStore store) {
		return store.enqueue(CompensationRequest.of("later#call()", "[]"), Instant.now().plusSeconds(3600)).entry().id();
	}

	static EntityExchangeResult<String> send(RestTestClient rest, String method, String path, @Nullable String json) {
		RestTestClient.RequestBodySpec request = rest.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path);
		if (json != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(json);
		}
		else if (method.equals("POST")) {
			request.contentType(MediaType.APPLICATION_JSON);
		}
		return request.exchange().returnResult(String.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		Map<String, Long> stock() {
			return new HashMap<>();
		}

	}

}
