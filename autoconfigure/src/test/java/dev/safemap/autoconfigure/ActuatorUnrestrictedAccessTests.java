package dev.safemap.autoconfigure;

import java.util.List;

import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditListener;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.deadEntry;
import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.pendingEntry;
import static dev.safemap.autoconfigure.ActuatorOperationAccessTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code management.endpoint.<id>.access=unrestricted} the operations that change state work, a discard
 * still takes only dead entries and needs a reason, and each action lands in Boot's audit event repository.
 */
@SpringBootTest(
		classes = { ActuatorOperationAccessTestSupport.App.class, ActuatorUnrestrictedAccessTests.Auditing.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ActuatorOperationAccessTestSupport.EXPOSED, ActuatorOperationAccessTestSupport.STORE,
				ActuatorOperationAccessTestSupport.NO_UNKNOWN_TARGET_WAIT,
				"management.endpoint.safemaps.access=unrestricted",
				"management.endpoint.compensations.access=unrestricted",
				// Boot's auditing auto-configuration also wires Spring Security's listeners, and this test has no
				// Spring Security: register the audit listener by hand (the example app uses Boot's)
				"spring.autoconfigure.exclude=org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration" })
@AutoConfigureRestTestClient
class ActuatorUnrestrictedAccessTests {

	@Autowired
	private RestTestClient rest;

	@Autowired
	private CompensationRegistry registry;

	@Autowired
	private CompensationStore store;

	@Autowired
	private AuditEventRepository audit;

	@Test
	void hotspotsResetWorksAndIsAudited() {
		EntityExchangeResult<String> reset = send(this.rest, "POST", "/actuator/safemaps/stock", null);
		assertThat(reset.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(reset.getResponseBody()).isEqualTo("{\"reset\":[\"stock\"]}");
		assertThat(events(SafeMapsEndpoint.RESET_EVENT)).singleElement().satisfies((event) -> {
			assertThat(event.getPrincipal()).isEqualTo("anonymous");
			assertThat(event.getData()).containsEntry("map", "stock");
		});
	}

	@Test
	void retryAndDiscardOfDeadEntriesWorkAndAreAudited() {
		String retried = deadEntry(this.registry);
		String discarded = deadEntry(this.registry);

		EntityExchangeResult<String> retry = send(this.rest, "POST", "/actuator/compensations/" + retried,
				"{\"action\":\"retry\"}");
		assertThat(retry.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(retry.getResponseBody()).isEqualTo("{\"action\":\"retry\",\"affected\":1,\"message\":\"resubmitted\"}");
		EntityExchangeResult<String> discard = send(this.rest, "DELETE",
				"/actuator/compensations/" + discarded + "?reason=order-cancelled", null);
		assertThat(discard.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(discard.getResponseBody()).isEqualTo("{\"action\":\"discard\",\"affected\":1,\"message\":\"discarded\"}");

		assertThat(this.registry.find(discarded)).isEmpty();
		assertThat(events(CompensationsEndpoint.RETRY_EVENT)).filteredOn((event) -> retried.equals(event.getData().get("id")))
			.singleElement()
			.satisfies((event) -> assertThat(event.getPrincipal()).isEqualTo("anonymous"));
		assertThat(events(CompensationsEndpoint.DISCARD_EVENT))
			.filteredOn((event) -> discarded.equals(event.getData().get("id")))
			.singleElement()
			.satisfies((event) -> assertThat(event.getData()).containsEntry("reason", "order-cancelled")
				.containsEntry("affected", "1"));
	}

	@Test
	void discardOfAPendingEntryIsRefusedAndTheEntryKept() {
		String pending = pendingEntry(this.store);
		EntityExchangeResult<String> discard = send(this.rest, "DELETE",
				"/actuator/compensations/" + pending + "?reason=stuck", null);
		assertThat(discard.getStatus()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(discard.getResponseBody()).contains("\"affected\":0")
			.contains("is pending, only dead entries can be discarded");
		assertThat(this.registry.find(pending).orElseThrow().status()).isEqualTo(CompensationStatus.PENDING);
	}

	@Test
	void retryOfAnEntryThatIsNotDeadIsAConflictThatSaysWhyAndOfAnUnknownIdNotFound() {
		String pending = pendingEntry(this.store);
		EntityExchangeResult<String> retry = send(this.rest, "POST", "/actuator/compensations/" + pending,
				"{\"action\":\"retry\"}");
		assertThat(retry.getStatus()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(retry.getResponseBody()).isEqualTo("{\"action\":\"retry\",\"affected\":0,\"message\":\"entry " + pending
				+ " is pending, only dead entries can be retried (a pending entry is replayed on its own at nextAttemptAt)\"}");
		assertThat(this.registry.find(pending).orElseThrow().status()).isEqualTo(CompensationStatus.PENDING);

		EntityExchangeResult<String> unknown = send(this.rest, "POST", "/actuator/compensations/no-such-id",
				"{\"action\":\"retry\"}");
		assertThat(unknown.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(unknown.getResponseBody()).contains("\"message\":\"no entry with id no-such-id\"");
	}

	@Test
	void retryWithAnUnknownActionIsABadRequestNamingTheAcceptedOne() {
		EntityExchangeResult<String> retry = send(this.rest, "POST", "/actuator/compensations", "{\"action\":\"retry-all\"}");
		assertThat(retry.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(retry.getResponseBody()).contains("action must be 'retry-dead'").contains("but was 'retry-all'");
		String dead = deadEntry(this.registry);
		EntityExchangeResult<String> typo = send(this.rest, "POST", "/actuator/compensations/" + dead,
				"{\"action\":\"rerty\"}");
		assertThat(typo.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(typo.getResponseBody()).isEqualTo("{\"error\":\"unknown action\",\"message\":\"action must be 'retry' "
				+ "(the only accepted value here, in any case), but was 'rerty': send {\\\"action\\\":\\\"retry\\\"}\"}");
		assertThat(this.registry.find(dead).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
	}

	@Test
	void anUnknownStatusIsABadRequestNamingTheAcceptedValues() {
		EntityExchangeResult<String> bogus = send(this.rest, "GET", "/actuator/compensations?status=bogus", null);
		assertThat(bogus.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(bogus.getResponseBody()).isEqualTo("{\"error\":\"unknown status\",\"message\":\"status must be one of "
				+ "pending, in_progress, done, dead (in any case), or left out for all, but was 'bogus'\"}");
		EntityExchangeResult<String> paging = send(this.rest, "GET", "/actuator/compensations?size=5000", null);
		assertThat(paging.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(paging.getResponseBody()).contains("size between 1 and 1000").contains("5000");
		EntityExchangeResult<String> dead = send(this.rest, "GET", "/actuator/compensations?status=Dead", null);
		assertThat(dead.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(dead.getResponseBody()).contains("\"counts\":{");
	}

	@Test
	void discardWithoutAReasonIsABadRequest() {
		String dead = deadEntry(this.registry);
		EntityExchangeResult<String> discard = send(this.rest, "DELETE", "/actuator/compensations/" + dead, null);
		assertThat(discard.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(discard.getResponseBody()).startsWith("{\"error\":\"missing reason\",\"message\":\"reason is missing: give"
				+ " why the dead entry is dropped, 1 to 500 characters");
		assertThat(this.registry.find(dead)).isPresent();
	}

	private List<AuditEvent> events(String type) {
		return this.audit.find(null, null, type);
	}

	@Configuration(proxyBeanMethods = false)
	static class Auditing {

		@Bean
		InMemoryAuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

		@Bean
		AuditListener auditListener(AuditEventRepository repository) {
			return new AuditListener(repository);
		}

	}

}
