package dev.safemap.example.compensation;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo write path end to end over HTTP: orders are accepted while the downstream is down, their reservations
 * are queued and visible in the {@code compensations} endpoint, and they are applied once it recovers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,compensations",
				"management.endpoint.health.show-details=always", "safemap.compensation.poll-interval=200ms",
				"safemap.compensation.store.directory=target/compensation-test-${random.uuid}",
				"safemap.compensation.backoff.initial-interval=100ms", "safemap.compensation.backoff.max-interval=500ms",
				"resilience4j.circuitbreaker.instances.stock.wait-duration-in-open-state=300ms" })
class CompensationDemoTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	int port;

	@Autowired
	StockDownstream downstream;

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

	/** The actuator as one of the demo users of {@code ActuatorSecurityConfiguration}. */
	private RestClient actuator(String user) {
		return RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBasicAuth(user, user + "-demo"))
			.build();
	}

	@Test
	@SuppressWarnings("unchecked")
	void ordersAreAcceptedWhileTheDownstreamIsDownAndTheirReservationsAppliedOnceWhenItRecovers() {
		http().post().uri("/demo/compensation/downstream/mode?up=false").retrieve().toBodilessEntity();
		String[] orders = new String[6];
		for (int i = 0; i < orders.length; i++) {
			ResponseEntity<Map<String, Object>> placed = http().post()
				.uri("/demo/compensation/orders?sku=apple&quantity=2")
				.retrieve()
				.toEntity(JSON);
			assertThat(placed.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			orders[i] = (String) placed.getBody().get("orderId");
		}
		ResponseEntity<Map<String, Object>> queue = actuator("viewer").get().uri("/actuator/compensations").retrieve().toEntity(JSON);
		assertThat(queue.getStatusCode()).isEqualTo(HttpStatus.OK);
		Map<String, Object> counts = (Map<String, Object>) queue.getBody().get("counts");
		assertThat(((Number) counts.get("pending")).intValue() + ((Number) counts.get("in_progress")).intValue())
			.isEqualTo(6);
		assertThat(queue.getBody().toString()).doesNotContain(orders[0]); // keys are masked

		http().post().uri("/demo/compensation/downstream/mode?up=true").retrieve().toBodilessEntity();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			for (String order : orders) {
				assertThat(this.downstream.isApplied(order)).isTrue();
			}
		});
		Map<String, Object> state = http().get().uri("/demo/compensation/downstream").retrieve().body(JSON);
		assertThat(state).containsEntry("appliedReservations", 6);
		assertThat((Map<String, Object>) state.get("reservedBySku")).containsEntry("apple", 12);
	}

	@Test
	void deadLettersCanBeRedrivenThroughTheEndpoint() {
		ResponseEntity<Map<String, Object>> response = actuator("operator").post()
			.uri("/actuator/compensations")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"action\":\"retry-dead\"}")
			.retrieve()
			.toEntity(JSON);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("action", "retry-dead").containsKey("affected");
		HttpStatusCode bad = actuator("viewer").get()
			.uri("/actuator/compensations?status=stuck")
			.exchange((request, reply) -> reply.getStatusCode());
		assertThat(bad).isEqualTo(HttpStatus.BAD_REQUEST);
	}

}
