package dev.safemap.example.dashboard;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.safemap.breaker.FallbackCaches;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.awaitility.Awaitility.await;

/**
 * Re-makes {@code docs/images/dashboard.png} (the dashboard with data in it: contention, a race, an open breaker
 * serving fallbacks, dead letters, a context violation) and measures what docs/dashboard.md reports: page weight,
 * first render, and the CPU an open idle page costs the application and the browser. Not a verdict: it asserts
 * nothing about speed and runs only when asked:
 * {@code ./mvnw -B -ntp -pl example-app -am verify -Dtest=DashboardScreenshotTests -Dsurefire.failIfNoSpecifiedTests=false -Dsafemap.dashboard.screenshot=true}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "safemap.compensation.store.directory=target/compensation-test-${random.uuid}",
				"safemap.compensation.max-attempts=1", "safemap.compensation.backoff.initial-interval=100ms",
				"resilience4j.circuitbreaker.instances.stock.wait-duration-in-open-state=300ms",
				"resilience4j.circuitbreaker.instances.prices.wait-duration-in-open-state=10m" })
class DashboardScreenshotTests {

	private static final Duration GENEROUS = Duration.ofSeconds(60);

	@LocalServerPort
	int port;

	@Autowired
	FallbackCaches caches;

	@Autowired
	CompensationRegistry compensations;

	@Test
	void screenshotAndMeasurements() throws Exception {
		Assumptions.assumeTrue(Boolean.getBoolean("safemap.dashboard.screenshot"),
				"run with -Dsafemap.dashboard.screenshot=true to re-make docs/images/dashboard.png");
		try (Browser browser = Browser.start("operator")) {
			String page = "http://localhost:" + this.port + "/actuator/safemap-dashboard/";
			List<String> report = new ArrayList<>();
			report.add("date: " + Instant.now());
			report.add("jvm: " + System.getProperty("java.version") + ", cpus: " + Runtime.getRuntime().availableProcessors());
			// first render and weight of an empty-cache load, five times in fresh tabs
			List<Double> firstRender = new ArrayList<>();
			long transferred = 0;
			long decoded = 0;
			for (int i = 0; i < 5; i++) {
				browser.driver.manage().deleteAllCookies();
				browser.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
				browser.driver.get(page);
				new WebDriverWait(browser.driver, GENEROUS).until((d) -> browser.driver
					.executeScript("return performance.getEntriesByName('safemap:first-render').length") instanceof Long n
						&& n > 0);
				firstRender.add(((Number) browser.driver
					.executeScript("return performance.getEntriesByName('safemap:first-render')[0].startTime")).doubleValue());
				transferred = ((Number) browser.driver.executeScript("""
						return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
							.filter((e) => !e.name.includes('api/stream')).reduce((a, e) => a + e.transferSize, 0)""")).longValue();
				decoded = ((Number) browser.driver.executeScript("""
						return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
							.filter((e) => !e.name.includes('api/stream')).reduce((a, e) => a + e.decodedBodySize, 0)""")).longValue();
			}
			Collections.sort(firstRender);
			report.add("first render (navigation start to first data rendered), 5 cold loads, ms: " + firstRender
					+ ", median " + firstRender.get(2));
			report.add("page weight (document, script, style, icon, session and first snapshot, no cache): "
					+ transferred + " bytes transferred, " + decoded + " bytes decoded");

			// idle cost: the application's CPU over 60 s with no page open, then with one page open
			browser.driver.get("about:blank");
			Thread.sleep(5000);
			double closed = applicationCpuShare(Duration.ofSeconds(60));
			browser.driver.get(page);
			new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
			Thread.sleep(5000);
			browser.driver.executeCdpCommand("Performance.enable", Map.of());
			double pageBefore = taskSeconds(browser);
			double open = applicationCpuShare(Duration.ofSeconds(60));
			double pageCpu = (taskSeconds(browser) - pageBefore) / 60;
			report.add(String.format("application CPU, idle, 60 s: no page %.3f%% of one core, one page open %.3f%% "
					+ "(difference %.3f%%)", closed * 100, open * 100, (open - closed) * 100));
			report.add(String.format("page main-thread task time while idle (CDP Performance TaskDuration): %.3f%% of one core",
					pageCpu * 100));

			// data for the screenshot
			fill();
			browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1700));
			browser.driver.get(page);
			new WebDriverWait(browser.driver, GENEROUS).until(ExpectedConditions.textToBePresentInElementLocated(
					By.cssSelector("#problems li[data-kind='breaker-open']"), "prices"));
			for (int i = 0; i < 6; i++) {
				// a few chart points (one every 5 s), with load on the maps and the cache
				load();
				Thread.sleep(5000);
			}
			new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.dead button.retry")));
			Path image = Path.of("../docs/images/dashboard.png");
			Files.createDirectories(image.getParent());
			Files.write(image, browser.driver.getScreenshotAs(OutputType.BYTES));
			report.add("screenshot: " + image.toAbsolutePath().normalize());
			Files.write(Path.of("target/dashboard-measurements.txt"), report);
			report.forEach(System.out::println);
		}
	}

	private void fill() throws Exception {
		http().post().uri("/guard/race-demo").retrieve().toBodilessEntity();
		http().get().uri("/context/demo").header("X-Tenant-Id", "t".repeat(300)).retrieve().toBodilessEntity();
		http().get().uri("/prices/ACME").retrieve().toBodilessEntity();
		http().post().uri("/downstream/mode?m=failing").retrieve().toBodilessEntity();
		CircuitBreaker breaker = this.caches.cache("prices").circuitBreaker();
		await().atMost(GENEROUS).until(() -> {
			http().get().uri("/prices/ACME").exchange((request, response) -> response.getStatusCode());
			return breaker.getState() == CircuitBreaker.State.OPEN;
		});
		http().post().uri("/demo/compensation/downstream/mode?up=false").retrieve().toBodilessEntity();
		for (String sku : List.of("apple", "pear")) {
			http().post().uri("/demo/compensation/orders?sku=" + sku + "&quantity=2").retrieve().toBodilessEntity();
		}
		await().atMost(GENEROUS)
			.until(() -> this.compensations.counts().getOrDefault(CompensationStatus.DEAD, 0L) >= 2);
		load();
	}

	private void load() {
		http().post().uri("/hotspots/load?threads=4&operations=5000").retrieve().toBodilessEntity();
		for (int i = 0; i < 5; i++) {
			http().get().uri("/prices/ACME").exchange((request, response) -> response.getStatusCode());
		}
	}

	private static double taskSeconds(Browser browser) {
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> metrics = (List<Map<String, Object>>) browser.driver
			.executeCdpCommand("Performance.getMetrics", Map.of())
			.get("metrics");
		return metrics.stream()
			.filter((m) -> "TaskDuration".equals(m.get("name")))
			.mapToDouble((m) -> ((Number) m.get("value")).doubleValue())
			.findFirst()
			.orElse(Double.NaN);
	}

	/** CPU time of this whole JVM (the application, its test harness) over a period, as a share of one core. */
	private static double applicationCpuShare(Duration period) throws InterruptedException {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		long cpuBefore = os.getProcessCpuTime();
		long wallBefore = System.nanoTime();
		Thread.sleep(period.toMillis());
		return (double) (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

}
