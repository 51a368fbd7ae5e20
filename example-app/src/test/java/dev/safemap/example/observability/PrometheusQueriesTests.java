package dev.safemap.example.observability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query of the shipped Grafana dashboard ({@code docs/grafana/safemap.json}) and every expression of the
 * Prometheus alert rules ({@code docs/grafana/safemap-alerts.yml}) names meters the example application really
 * exports: the test drives each demo (a contention load, a detect-mode race, a failing downstream behind a fallback
 * cache, a compensation that waits and is replayed), scrapes {@code /actuator/prometheus} and compares names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.prometheus.metrics.export.enabled=true",
				"safemap.compensation.poll-interval=200ms",
				"safemap.compensation.store.directory=target/compensation-test-${random.uuid}",
				"safemap.compensation.backoff.initial-interval=100ms", "safemap.compensation.backoff.max-interval=500ms",
				"resilience4j.circuitbreaker.instances.stock.wait-duration-in-open-state=300ms" })
class PrometheusQueriesTests {

	private static final Path GRAFANA = Path.of("..", "docs", "grafana");

	/** A meter name in PromQL: SafeMap's and Resilience4j's (the dashboard's breaker state). */
	private static final Pattern METER = Pattern.compile("\\b((?:safemap|resilience4j)_[a-z0-9_]+)\\b");

	@LocalServerPort
	int port;

	@Test
	void everyDashboardQueryAndAlertRuleNamesAMeterTheExampleExports() throws Exception {
		List<String> expressions = new ArrayList<>(dashboardQueries());
		assertThat(expressions).as("dashboard queries").hasSizeGreaterThan(10);
		List<String> rules = alertExpressions();
		assertThat(rules).as("alert rules").hasSizeGreaterThan(5);
		expressions.addAll(rules);
		Set<String> named = new TreeSet<>();
		for (String expression : expressions) {
			Matcher meter = METER.matcher(expression);
			boolean any = false;
			while (meter.find()) {
				named.add(meter.group(1));
				any = true;
			}
			assertThat(any).as("a meter in %s", expression).isTrue();
		}

		driveEveryDemo();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(seriesNames(scrape())).contains("safemap_compensation_replay_lag_seconds_count"));
		String scrape = scrape();
		Set<String> exported = seriesNames(scrape);

		assertThat(named).as("meters the dashboard and alerts name, against the scrape:%n%s", String.join("\n", exported))
			.isSubsetOf(exported)
			.contains("safemap_races_total", "safemap_map_wait_percentile_seconds", "safemap_compensation_queue_depth",
					"resilience4j_circuitbreaker_state", "safemap_breaker_fallbacks_total");
		// the label values the queries select on exist too
		assertThat(scrape).contains("safemap_map_wait_percentile_seconds{map=\"carts\",phi=\"0.99\"}")
			.contains("safemap_compensation_queue_depth{status=\"dead\"}")
			.containsPattern("resilience4j_circuitbreaker_state\\{name=\"prices\",state=\"open\"}");
	}

	private void driveEveryDemo() {
		RestClient http = RestClient.create("http://localhost:" + this.port);
		http.post().uri("/hotspots/load?threads=2&operations=500").retrieve().toBodilessEntity();
		http.post().uri("/guard/race-demo").retrieve().toBodilessEntity();
		http.get().uri("/prices/ACME").retrieve().toBodilessEntity();
		http.post().uri("/downstream/mode?m=failing").retrieve().toBodilessEntity();
		try {
			for (int i = 0; i < 6; i++) {
				http.get().uri("/prices/ACME").retrieve().toBodilessEntity();
			}
		}
		finally {
			http.post().uri("/downstream/mode?m=healthy").retrieve().toBodilessEntity();
		}
		http.post().uri("/demo/compensation/downstream/mode?up=false").retrieve().toBodilessEntity();
		try {
			http.post().uri("/demo/compensation/orders?sku=apple&quantity=2").retrieve().toBodilessEntity();
			// the worker tries the reservation against the down downstream at least once
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(seriesNames(scrape())).contains("safemap_compensation_failed_total"));
		}
		finally {
			http.post().uri("/demo/compensation/downstream/mode?up=true").retrieve().toBodilessEntity();
		}
	}

	private String scrape() {
		return RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBasicAuth("viewer", "viewer-demo"))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.retrieve()
			.body(String.class);
	}

	/** The names of the series in a scrape: each sample line's name, before its labels or value. */
	private static Set<String> seriesNames(String scrape) {
		Set<String> names = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				names.add(line.split("[{ ]", 2)[0]);
			}
		}
		return names;
	}

	private static List<String> dashboardQueries() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(GRAFANA.resolve("safemap.json")));
		List<String> queries = new ArrayList<>();
		collect(dashboard, queries);
		return queries;
	}

	/** Every {@code expr} of a panel target and every templating {@code query} string. */
	private static void collect(JsonNode node, List<String> queries) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isString()) {
					queries.add(field.getValue().asString());
				}
				else {
					collect(field.getValue(), queries);
				}
			}
		}
		else if (node.isArray()) {
			node.forEach((element) -> collect(element, queries));
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> alertExpressions() throws IOException {
		try (InputStream in = Files.newInputStream(GRAFANA.resolve("safemap-alerts.yml"))) {
			Map<String, Object> file = new Yaml().load(in);
			List<String> expressions = new ArrayList<>();
			for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					expressions.add((String) rule.get("expr"));
				}
			}
			return expressions;
		}
	}

}
