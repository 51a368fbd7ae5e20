package dev.safemap.example.guard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.RaceReport;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uses the shared map beans through the plain {@code Map} API. The maps are injected by
 * {@code @Qualifier}: a bare {@code Map<String, String>} parameter would make Spring collect all
 * beans of type {@code String} instead (see docs/guarded-maps.md).
 */
@RestController
@RequestMapping("/guard")
public class GuardDemoController {

	private final Map<String, Long> requestCounts;

	private final Map<String, String> settings;

	private final GuardedMapRegistry registry;

	public GuardDemoController(@Qualifier("requestCounts") Map<String, Long> requestCounts,
			@Qualifier("settings") Map<String, String> settings, GuardedMapRegistry registry) {
		this.requestCounts = requestCounts;
		this.settings = settings;
		this.registry = registry;
	}

	/**
	 * Counts a hit on an endpoint. {@code merge} is atomic once the map is guarded; the classic
	 * {@code put(k, get(k) + 1)} is not, even on a guarded map (detect mode reports it).
	 * @param endpoint the endpoint name
	 * @return the endpoint's new count
	 */
	@PutMapping("/hits/{endpoint}")
	public Map<String, Object> hit(@PathVariable String endpoint) {
		Long count = this.requestCounts.merge(endpoint, 1L, Long::sum);
		return Map.of("endpoint", endpoint, "count", count);
	}

	/**
	 * Reads all counts.
	 * @return the counts, sorted by endpoint
	 */
	@GetMapping("/hits")
	public Map<String, Long> hits() {
		return new TreeMap<>(this.requestCounts);
	}

	/**
	 * Reads the settings, in insertion order.
	 * @return the settings
	 */
	@GetMapping("/settings")
	public Map<String, String> settings() {
		return new LinkedHashMap<>(this.settings);
	}

	/**
	 * Changes one setting with an unsafe check-then-act on purpose: run it from two clients at once
	 * and the settings map (in detect mode) reports the lost update.
	 * @param name the setting
	 * @param value the new value
	 * @return the setting
	 */
	@PutMapping("/settings/{name}")
	public ResponseEntity<Map<String, String>> setting(@PathVariable String name, @RequestBody String value) {
		if (!this.settings.containsKey(name)) {
			return ResponseEntity.notFound().build();
		}
		this.settings.put(name, value);
		return ResponseEntity.ok(Map.of(name, value));
	}

	/**
	 * Makes the lost update that {@link #setting} allows happen once, on purpose and deterministically: a
	 * "reader" thread reads the {@code theme} setting, a "writer" thread changes it, then the reader writes the
	 * value it computed from its stale read. The settings map is in detect mode, so this is reported as a
	 * {@code lost_update} with both call sites (run {@code GET /guard/maps} to see it). Detect mode reports the same
	 * race between the same two call sites at most once a second but counts every one: a second run within the
	 * second is detected (counted) without a new report.
	 * @return {@code detected}: the races this run detected (1), and {@code reports}: the reports it made (the
	 * first run's one report, none for a repeat within a second)
	 * @throws Exception if a demo thread fails or does not finish within 10 seconds
	 */
	@PostMapping("/race-demo")
	public Map<String, Object> raceDemo() throws Exception {
		long before = this.registry.recentReports().size();
		long detectedBefore = this.registry.raceCount("settings");
		CountDownLatch read = new CountDownLatch(1);
		CountDownLatch written = new CountDownLatch(1);
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
			String theme = this.settings.get("theme");
			read.countDown();
			await(written);
			this.settings.put("theme", theme + "+reader");
		}, (task) -> new Thread(task, "race-demo-reader").start());
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			await(read);
			this.settings.put("theme", "writer");
			written.countDown();
		}, (task) -> new Thread(task, "race-demo-writer").start());
		CompletableFuture.allOf(reader, writer).get(10, TimeUnit.SECONDS);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("detected", this.registry.raceCount("settings") - detectedBefore);
		answer.put("reports", this.registry.recentReports()
			.stream()
			.skip(before)
			.filter((report) -> report.mapName().equals("settings"))
			.map(GuardDemoController::describe)
			.toList());
		return answer;
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("race demo: the other thread did not get there in 10 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Lists the guarded maps and the recent race reports.
	 * @return maps (name, mode, type, size: the names of the {@code safemaps} endpoint) and reports (map, kind,
	 * operation, masked key, both call sites and threads, time: the names of its {@code races.recent})
	 */
	@GetMapping("/maps")
	public Map<String, Object> maps() {
		return Map.of("maps", this.registry.maps()
			.stream()
			.map((info) -> Map.of("name", info.name(), "mode", lower(info.mode()), "type",
					info.originalType().getName(), "size", info.size()))
			.toList(), "reports", this.registry.recentReports().stream().map(GuardDemoController::describe).toList());
	}

	/** Enum values in JSON are lower case, as in the {@code safemaps} endpoint and the meters' tags. */
	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	private static Map<String, Object> describe(RaceReport report) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("map", report.mapName());
		described.put("kind", lower(report.kind()));
		described.put("operation", lower(report.operation()));
		described.put("key", report.maskedKey());
		described.put("site", report.site().toString());
		described.put("thread", report.thread());
		described.put("otherSite", report.otherSite().toString());
		described.put("otherThread", report.otherThread());
		described.put("time", report.time().toString());
		return described;
	}

}
