package dev.safemap.example.breaker;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo over HTTP: the circuit opens while the downstream fails, fallbacks keep the price. */
// a generous read timeout: on a loaded machine the first requests of a cold server can take seconds
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "example.breaker.read-timeout=15s")
class BreakerDemoTests {

	@LocalServerPort
	int port;

	@Test
	void fallbacksAreServedWhileTheDownstreamFailsAndTheCircuitOpens() {
		RestClient client = RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
		Map<String, Object> fresh = get(client, "/prices/DEMO").getBody();
		assertThat(fresh).containsEntry("source", "fresh");
		Object price = fresh.get("price");
		client.post().uri("/downstream/mode?m=failing").retrieve().toBodilessEntity();
		try {
			Map<String, Object> last = null;
			for (int i = 0; i < 8; i++) {
				last = get(client, "/prices/DEMO").getBody();
				assertThat(last).containsEntry("price", price).containsEntry("stale", true);
			}
			assertThat(last).containsEntry("source", "fallback_circuit_open").containsEntry("circuitBreaker", "open");
			ResponseEntity<Map<String, Object>> unknown = get(client, "/prices/NEVER-SEEN");
			assertThat(unknown.getStatusCode().value()).isEqualTo(503);
		}
		finally {
			client.post().uri("/downstream/mode?m=healthy").retrieve().toBodilessEntity();
		}
	}

	private static ResponseEntity<Map<String, Object>> get(RestClient client, String path) {
		return client.get().uri(path).retrieve().toEntity(new ParameterizedTypeReference<Map<String, Object>>() {
		});
	}

}
