package dev.safemap.example.hotspots;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.safemap.support.KeyMasker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The hotspots demo's load shows up in the {@code safemaps} endpoint and, with
 * {@code micrometer-registry-prometheus} on the class path, in the Prometheus scrape, with keys masked in
 * both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// Boot's test support may turn metrics export off; this demo is about the Prometheus export
		properties = { "management.defaults.metrics.export.enabled=true",
				"management.prometheus.metrics.export.enabled=true" })
class HotspotsDemoTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private KeyMasker keyMasker;

	@Test
	void contentionOnTheCartsMapIsScrapedByPrometheusWithMaskedKeys() throws Exception {
		// at the default rates, writes are watched for contention during a 1 ms window in every 64 ms (and from
		// then on where a key's writes wait for each other): the load holds the hot cart for at least 4,000 / 3 x
		// 4 x 50 us, about 270 ms, so that it spans windows whatever their random placement (at most 127 ms apart)
		HttpResponse<String> load = send("POST", "/hotspots/load?threads=4&operations=4000");
		assertThat(load.statusCode()).isEqualTo(200);

		HttpResponse<String> scrape = send("GET", "/actuator/prometheus");
		assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
		String body = scrape.body();
		assertThat(body).containsPattern("safemap_map_operations_total\\{[^}]*map=\"carts\"[^}]*op=\"compute\"[^}]*\\} [1-9]")
			.containsPattern("safemap_map_contended_total\\{[^}]*map=\"carts\"[^}]*\\} [1-9]")
			.containsPattern("safemap_map_wait_seconds_count\\{[^}]*map=\"carts\"[^}]*\\} [1-9]")
			.containsPattern("safemap_map_size\\{[^}]*map=\"carts\"[^}]*\\}");
		assertThat(body).doesNotContain(HotspotsDemoController.HOT_USER).doesNotContain("example.com");

		HttpResponse<String> safemaps = send("GET", "/actuator/safemaps/carts");
		assertThat(safemaps.statusCode()).isEqualTo(200);
		assertThat(safemaps.body()).contains("\"contended\"").doesNotContain("example.com");

		// the promise of the default sampling: after one load, the hot key and its call site rank first
		JsonNode carts = JsonMapper.builder().build().readTree(safemaps.body());
		assertThat(carts.path("hotKeys").path("byContention").path(0).path("key").asString())
			.as(safemaps.body()).isEqualTo(this.keyMasker.mask(HotspotsDemoController.HOT_USER));
		assertThat(carts.path("callSites").path("top").path(0).path("site").asString()).as(safemaps.body())
			.startsWith(CartService.class.getName() + ".addToCart:");

		// one estimate of the 99th percentile: Prometheus' gauge (seconds) is the endpoint's p99Millis (the load is over)
		Matcher endpointP99 = Pattern.compile("\"p99Millis\":([0-9.Ee+-]+)").matcher(safemaps.body());
		assertThat(endpointP99.find()).as(safemaps.body()).isTrue();
		Matcher scrapedP99 = Pattern
			.compile("safemap_map_wait_percentile_seconds\\{map=\"carts\",phi=\"0.99\"} ([0-9.Ee+-]+)")
			.matcher(send("GET", "/actuator/prometheus").body());
		assertThat(scrapedP99.find()).isTrue();
		assertThat(Double.parseDouble(scrapedP99.group(1)) * 1000).isPositive()
			.isCloseTo(Double.parseDouble(endpointP99.group(1)), within(1e-9));
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			// the actuator needs role VIEWER (demo user, see ActuatorSecurityConfiguration); the demo endpoints are open
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString("viewer:viewer-demo".getBytes(StandardCharsets.UTF_8)))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
