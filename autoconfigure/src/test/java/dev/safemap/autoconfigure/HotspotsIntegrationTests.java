package dev.safemap.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.safemap.guard.GuardedMap;
import dev.safemap.support.KeyMasker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running web application: contention on a known key from a known method shows up first in the
 * {@code safemaps} endpoint (masked) and in the metrics, and no raw key leaks anywhere.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=safemaps,metrics",
				// the reset below changes state: the endpoint is read-only unless widened
				"management.endpoint.safemaps.access=unrestricted",
				"safemap.hotspots.call-site-sample-rate=1",
				"safemap.hotspots.metrics.percentiles=0.5,0.99",
				// count every read, so that the counts asserted below are exact
				"safemap.hotspots.sample-rate=1" })
@AutoConfigureRestTestClient
@ExtendWith(OutputCaptureExtension.class)
class HotspotsIntegrationTests {

	/** Personal data, as keys often are: must never appear in output. */
	static final String HOT_KEY = "alice@example.com";

	static final String WARM_KEY = "bob@example.com";

	static final String BROWSED_KEY_PREFIX = "carol-";

	@Autowired
	private RestTestClient rest;

	@Autowired
	private Inventory inventory;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private KeyMasker keyMasker;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void hotKeyAndCallSiteAreRankedFirstMaskedAndMetricsCarryTheCounts(CapturedOutput output) throws Exception {
		assertThat(this.inventory.stock()).isInstanceOf(GuardedMap.class);
		// 4 threads x 40 reservations of the hot key (each holds its stripe ~1 ms): they queue up;
		// 2 threads x 5 restocks of another key: a little contention from another method
		run(4, () -> {
			for (int i = 0; i < 40; i++) {
				this.inventory.reserve(HOT_KEY);
			}
		});
		run(2, () -> {
			for (int i = 0; i < 5; i++) {
				this.inventory.restock(WARM_KEY);
			}
		});
		for (int i = 0; i < 2_000; i++) {
			this.inventory.browse(BROWSED_KEY_PREFIX + i);
		}

		EntityExchangeResult<String> all = get("/actuator/safemaps");
		assertThat(all.getStatus()).isEqualTo(HttpStatus.OK);
		JsonNode stock = null;
		for (JsonNode map : this.json.readTree(all.getResponseBody()).get("maps")) {
			if (map.get("name").asString().equals("stock")) {
				stock = map;
			}
		}
		assertThat(stock).as("the guarded map bean 'stock' in %s", all.getResponseBody()).isNotNull();
		assertThat(stock.get("mode").asString()).isEqualTo("guard");
		assertThat(stock.get("type").asString()).isEqualTo(HashMap.class.getName());
		assertThat(stock.get("size").asInt()).isEqualTo(2);
		assertThat(stock.get("operationsByKind").get("compute").asLong()).isEqualTo(4 * 40 + 2 * 5);
		assertThat(stock.get("operationsByKind").get("get").asLong()).isEqualTo(2_000);
		long contended = stock.get("contended").asLong();
		assertThat(contended).isPositive();
		double p99Millis = stock.get("waitTime").get("p99Millis").asDouble();
		assertThat(p99Millis).isPositive();

		JsonNode hottest = stock.get("hotKeys").get("byContention").get(0);
		assertThat(hottest.get("key").asString()).isEqualTo(this.keyMasker.mask(HOT_KEY));
		assertThat(hottest.get("count").asLong()).isGreaterThan(stock.get("hotKeys").get("byContention").get(1) == null
				? 0 : stock.get("hotKeys").get("byContention").get(1).get("count").asLong());
		JsonNode firstSite = stock.get("callSites").get("top").get(0);
		assertThat(firstSite.get("className").asString()).isEqualTo(Inventory.class.getName());
		assertThat(firstSite.get("methodName").asString()).isEqualTo("reserve");
		assertThat(firstSite.get("lineNumber").asInt()).isPositive();
		assertThat(firstSite.get("keys").get(0).asString()).isEqualTo(this.keyMasker.mask(HOT_KEY));
		assertThat(stock.get("callSites").get("samples").asLong()).isEqualTo(contended);

		// one map in detail, and 404 for an unknown one
		EntityExchangeResult<String> one = get("/actuator/safemaps/stock");
		assertThat(one.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(this.json.readTree(one.getResponseBody()).get("contended").asLong()).isEqualTo(contended);
		assertThat(get("/actuator/safemaps/nope").getStatus())
			.isEqualTo(HttpStatus.NOT_FOUND);

		// metrics carry the same counts
		EntityExchangeResult<String> names = get("/actuator/metrics");
		assertThat(names.getResponseBody()).contains("safemap.map.operations", "safemap.map.contended", "safemap.map.wait",
				"safemap.map.wait.percentile", "safemap.map.size", "safemap.races", "safemap.races.reported");
		assertThat(measurement("safemap.map.contended?tag=map:stock", "COUNT")).isEqualTo(contended);
		assertThat(measurement("safemap.map.wait?tag=map:stock", "COUNT")).isEqualTo(contended);
		assertThat(measurement("safemap.map.operations?tag=map:stock&tag=op:compute", "COUNT")).isEqualTo(170);
		assertThat(measurement("safemap.map.size?tag=map:stock", "VALUE")).isEqualTo(2);
		assertThat(measurement("safemap.races?tag=map:stock", "COUNT")).isZero();
		assertThat(measurement("safemap.races.reported?tag=map:stock", "COUNT")).isZero();
		// one estimate of the 99th percentile: the gauge (seconds) reads the sketch the endpoint reports (ms)
		assertThat(measurement("safemap.map.wait.percentile?tag=map:stock&tag=phi:0.99", "VALUE") * 1000)
			.isCloseTo(p99Millis, org.assertj.core.data.Offset.offset(1e-9));

		// reset: the endpoint starts afresh, the metrics stay monotonic
		EntityExchangeResult<String> reset = post("/actuator/safemaps/stock");
		assertThat(reset.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(reset.getResponseBody()).contains("\"reset\":[\"stock\"]");
		JsonNode afterReset = this.json.readTree(get("/actuator/safemaps/stock").getResponseBody());
		assertThat(afterReset.get("contended").asLong()).isZero();
		assertThat(afterReset.get("hotKeys").get("byContention")).isEmpty();
		assertThat(measurement("safemap.map.contended?tag=map:stock", "COUNT")).isEqualTo(contended);

		// masking: no raw key in the endpoint output, the metrics output, the meter tags or the logs
		List<String> texts = new ArrayList<>(List.of(all.getResponseBody(), one.getResponseBody(), names.getResponseBody(), output.getAll()));
		for (String metric : List.of("safemap.map.operations", "safemap.map.contended", "safemap.map.wait",
				"safemap.map.size", "safemap.races")) {
			texts.add(get("/actuator/metrics/" + metric).getResponseBody());
		}
		for (Meter meter : this.meters.getMeters()) {
			for (Tag tag : meter.getId().getTags()) {
				texts.add(tag.getValue());
			}
		}
		for (String text : texts) {
			assertThat(text).doesNotContain(HOT_KEY, WARM_KEY, BROWSED_KEY_PREFIX, "alice", "bob@");
		}
		assertThat(all.getResponseBody()).contains(this.keyMasker.mask(HOT_KEY));
	}

	private double measurement(String metric, String statistic) throws Exception {
		EntityExchangeResult<String> response = get("/actuator/metrics/" + metric);
		assertThat(response.getStatus()).as(metric).isEqualTo(HttpStatus.OK);
		for (JsonNode measurement : this.json.readTree(response.getResponseBody()).get("measurements")) {
			if (measurement.get("statistic").asString().equals(statistic)) {
				return measurement.get("value").asDouble();
			}
		}
		throw new AssertionError("no " + statistic + " in " + response.getResponseBody());
	}

	private static void run(int threads, Runnable task) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				task.run();
			}, "safemap-hotspots-it-" + i);
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
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

		@Bean
		Inventory inventory(Map<String, Long> stock) {
			return new Inventory(stock);
		}

	}

	/** The application code whose calls contend: its methods must be found as the call sites. */
	static class Inventory {

		private final Map<String, Long> stock;

		Inventory(Map<String, Long> stock) {
			this.stock = stock;
		}

		Map<String, Long> stock() {
			return this.stock;
		}

		void reserve(String sku) {
			this.stock.compute(sku, (key, count) -> {
				pause();
				return (count != null) ? count + 1 : 1L;
			});
		}

		void restock(String sku) {
			this.stock.compute(sku, (key, count) -> {
				pause();
				return (count != null) ? count + 1 : 1L;
			});
		}

		Long browse(String sku) {
			return this.stock.get(sku);
		}

		private static void pause() {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
