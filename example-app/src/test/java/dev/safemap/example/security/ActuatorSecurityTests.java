package dev.safemap.example.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's secure actuator setup: health is open, the SafeMap endpoints are read by role VIEWER and
 * operated by role OPERATOR only, and each operation is audited under the operator's name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "safemap.compensation.store.directory=target/compensation-test-${random.uuid}")
class ActuatorSecurityTests {

	@LocalServerPort
	int port;

	@Test
	void healthIsOpenAndTheSafeMapEndpointsNeedALogin() {
		assertThat(status(null, HttpMethod.GET, "/actuator/health")).isEqualTo(HttpStatus.OK);
		assertThat(status(null, HttpMethod.GET, "/actuator/safemaps")).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(status(null, HttpMethod.GET, "/actuator/compensations")).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(status(null, HttpMethod.POST, "/actuator/safemaps")).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void aViewerReadsButCannotOperate() {
		assertThat(status("viewer", HttpMethod.GET, "/actuator/safemaps")).isEqualTo(HttpStatus.OK);
		assertThat(status("viewer", HttpMethod.GET, "/actuator/compensations")).isEqualTo(HttpStatus.OK);
		assertThat(status("viewer", HttpMethod.POST, "/actuator/safemaps")).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status("viewer", HttpMethod.DELETE, "/actuator/compensations/x?reason=test"))
			.isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(status("viewer", HttpMethod.GET, "/actuator/auditevents")).isEqualTo(HttpStatus.OK);
	}

	@Test
	@SuppressWarnings("unchecked")
	void anOperatorResetsAndTheResetIsAuditedUnderTheOperatorsName() {
		assertThat(status("operator", HttpMethod.POST, "/actuator/safemaps/carts")).isEqualTo(HttpStatus.OK);
		Map<String, Object> audit = client("operator").get()
			.uri("/actuator/auditevents?type=SAFEMAP_HOTSPOTS_RESET")
			.retrieve()
			.body(Map.class);
		assertThat(audit.get("events").toString()).contains("principal=operator").contains("map=carts");
	}

	private HttpStatusCode status(String user, HttpMethod method, String path) {
		RestClient.RequestBodySpec request = client(user).method(method).uri(path);
		if (method == HttpMethod.POST) {
			request.contentType(MediaType.APPLICATION_JSON);
		}
		return request.exchange((req, reply) -> reply.getStatusCode());
	}

	private RestClient client(String user) {
		RestClient.Builder builder = RestClient.builder().baseUrl("http://localhost:" + this.port);
		if (user != null) {
			builder.defaultHeaders((headers) -> headers.setBasicAuth(user, user + "-demo"));
		}
		return builder.build();
	}

}
