package dev.safemap.autoconfigure;

import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.hotspots.Hotspots;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.deadEntry;
import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.pendingEntry;
import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exposed over HTTP with nothing else configured, the {@code safemaps} and {@code compensations} endpoints
 * answer reads and refuse every operation that changes state: they are read-only by default.
 */
@SpringBootTest(classes = ActuatorOperationAccessTestSupport.App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ActuatorOperationAccessTestSupport.EXPOSED, ActuatorOperationAccessTestSupport.STORE,
				ActuatorOperationAccessTestSupport.NO_UNKNOWN_TARGET_WAIT })
@AutoConfigureRestTestClient
class ActuatorDefaultAccessTests {

	@Autowired
	private RestTestClient rest;

	@Autowired
	private Hotspots hotspots;

	@Autowired
	private CompensationRegistry registry;

	@Autowired
	private CompensationStore store;

	@Test
	void readsAreAnswered() {
		assertThat(send(this.rest, "GET", "/actuator/safemaps/stock", null).getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(send(this.rest, "GET", "/actuator/compensations", null).getStatus()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void theJsonFollowsOneConventionOfNamesUnitsAndCase() {
		String pending = pendingEntry(this.store);
		String entry = send(this.rest, "GET", "/actuator/compensations/" + pending, null).getResponseBody();
		// enum values in lower case; every field present, null when it does not apply
		assertThat(entry).contains("\"status\":\"pending\"", "\"lastError\":null", "\"leaseOwner\":null",
				"\"arguments\":null", "\"context\":null");
		String queue = send(this.rest, "GET", "/actuator/compensations?status=PENDING", null).getResponseBody();
		assertThat(queue).containsPattern("\"counts\":\\{\"pending\":[1-9]\\d*,\"in_progress\":0,\"done\":0,\"dead\":\\d+}")
			.containsPattern("\"oldestPendingAgeMillis\":\\d+,")
			.doesNotContain("PENDING");
		String stock = send(this.rest, "GET", "/actuator/safemaps/stock", null).getResponseBody();
		assertThat(stock).contains("\"mode\":\"guard\"", "\"totalMillis\":", "\"p99Millis\":", "\"reported\":0")
			.doesNotContain("Nanos");
	}

	@Test
	void hotspotsResetIsRefused() {
		assertThat(this.hotspots.mapNames()).contains("stock");
		assertThat(send(this.rest, "POST", "/actuator/safemaps", null).getStatus())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(send(this.rest, "POST", "/actuator/safemaps/stock", null).getStatus())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
	}

	@Test
	void compensationRetryAndDiscardAreRefusedAndChangeNothing() {
		String dead = deadEntry(this.registry);
		String pending = pendingEntry(this.store);

		assertThat(send(this.rest, "POST", "/actuator/compensations/" + dead, "{\"action\":\"retry\"}").getStatus())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(send(this.rest, "POST", "/actuator/compensations", "{\"action\":\"retry-dead\"}").getStatus())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		EntityExchangeResult<String> discard = send(this.rest, "DELETE",
				"/actuator/compensations/" + pending + "?reason=test", null);
		assertThat(discard.getStatus()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);

		assertThat(this.registry.find(dead).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(this.registry.find(pending).orElseThrow().status()).isEqualTo(CompensationStatus.PENDING);
	}

}
