package dev.safemap.example.dashboard;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a management server of its own ({@code management.server.port}), the dashboard is served there, under the
 * management base path, and not on the application's port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0",
				"safemap.compensation.store.directory=target/compensation-test-${random.uuid}" })
class DashboardManagementPortTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void thePageIsOnTheManagementServerOnly() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		assertThat(status(this.managementPort, "viewer", "/actuator/safemap-dashboard/")).isEqualTo(HttpStatus.OK);
		assertThat(status(this.managementPort, "viewer", "/actuator/safemap-dashboard/api/snapshot"))
			.isEqualTo(HttpStatus.OK);
		assertThat(status(this.managementPort, null, "/actuator/safemap-dashboard/api/snapshot").is2xxSuccessful())
			.as("anonymous on the management port").isFalse();
		assertThat(status(this.port, "viewer", "/actuator/safemap-dashboard/").is2xxSuccessful())
			.as("the application's port").isFalse();
	}

	private static HttpStatusCode status(int port, String user, String path) {
		RestClient.Builder builder = RestClient.builder().baseUrl("http://localhost:" + port);
		if (user != null) {
			builder.defaultHeaders((headers) -> headers.setBasicAuth(user, user + "-demo"));
		}
		return builder.build().get().uri(path).exchange((request, response) -> response.getStatusCode());
	}

}
