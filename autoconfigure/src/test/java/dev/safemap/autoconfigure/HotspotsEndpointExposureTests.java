package dev.safemap.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.safemap.hotspots.Hotspots;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's default exposure the {@code safemaps} endpoint is not reachable over HTTP,
 * although the accounting runs. {@link HotspotsIntegrationTests} covers the exposed case.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class HotspotsEndpointExposureTests {

	@Autowired
	private RestTestClient rest;

	@Autowired
	private Hotspots hotspots;

	@Test
	void safemapsIsNotExposedOverHttpByDefault() {
		assertThat(this.hotspots.mapNames()).contains("stock");
		EntityExchangeResult<String> response = get("/actuator/safemaps");
		assertThat(response.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(get("/actuator/safemaps/stock").getStatus())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(post("/actuator/safemaps").getStatus())
			.isIn(HttpStatus.NOT_FOUND, HttpStatus.METHOD_NOT_ALLOWED);
		EntityExchangeResult<String> links = get("/actuator");
		assertThat(links.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(links.getResponseBody()).contains("health").doesNotContain("safemaps");
	}

	private EntityExchangeResult<String> get(String path) {
		return this.rest.get().uri(path).exchange().returnResult(String.class);
	}

	private EntityExchangeResult<String> post(String path) {
		return this.rest.post().uri(path).exchange().returnResult(String.class);
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
