package dev.safemap.example.guard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's plain {@code HashMap}/{@code LinkedHashMap} beans are guarded with no code change,
 * and concurrent requests lose no count.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GuardDemoTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	@Qualifier("requestCounts")
	private Map<String, Long> requestCounts;

	@Autowired
	@Qualifier("settings")
	private Map<String, String> settings;

	@Test
	void plainMapBeansAreGuardedWithoutCodeChange() {
		assertThat(this.requestCounts).isInstanceOf(GuardedMap.class);
		assertThat(((GuardedMap<?, ?>) this.requestCounts).mode()).isEqualTo(GuardMode.GUARD);
		assertThat(((GuardedMap<?, ?>) this.settings).mode()).isEqualTo(GuardMode.DETECT);
	}

	@Test
	void concurrentHitsAreAllCounted() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				futures.add(pool.submit(() -> send("PUT", "/guard/hits/concurrent")));
			}
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(send("GET", "/guard/hits")).contains("\"concurrent\":200");
		assertThat(this.requestCounts.get("concurrent")).isEqualTo(200L);
		assertThat(send("GET", "/guard/maps")).contains("requestCounts").contains("settings")
			.contains("\"mode\":\"detect\"").contains("\"type\":\"java.util.HashMap\"").doesNotContain("DETECT");
	}

	@Test
	void theRaceDemoIsReportedAsALostUpdateWithBothCallSites() throws Exception {
		String reports = send("POST", "/guard/race-demo");
		System.out.println("POST /guard/race-demo -> " + reports);
		assertThat(reports).startsWith("{\"detected\":1,\"reports\":[{").contains("\"kind\":\"lost_update\"").contains("\"operation\":\"put\"")
			.contains("\"map\":\"settings\"")
			.contains("\"thread\":\"race-demo-reader\"")
			.contains("\"otherThread\":\"race-demo-writer\"")
			.contains("GuardDemoController.lambda$raceDemo");
		assertThat(send("GET", "/guard/maps")).contains("\"kind\":\"lost_update\"").doesNotContain("RaceReport[").doesNotContain("LOST_UPDATE");
		// the same race again: detected and counted every time; reported again only if a second has passed
		// (detect mode's rate limit, which a machine's speed decides here: DetectedRacesAreAllCountedTests pins it)
		assertThat(send("POST", "/guard/race-demo")).startsWith("{\"detected\":1,\"reports\":[");
	}

	private String send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
