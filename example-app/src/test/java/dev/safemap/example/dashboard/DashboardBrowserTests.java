package dev.safemap.example.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.safemap.breaker.FallbackCaches;
import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (Debian's Chromium, headless) against the example application on a random port,
 * signed in as the example's demo users: the page renders with no console error and no CSP violation, a failing
 * downstream shows as an open breaker in the breaker panel and the problems strip within 3 s of the breaker opening,
 * a dead letter appears and the operator's retry button applies it, and a viewer sees no button and is refused if it
 * posts anyway. Skipped, with a message, when Chromium is not installed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "safemap.compensation.store.directory=target/compensation-test-${random.uuid}",
				"safemap.compensation.poll-interval=200ms", "safemap.compensation.max-attempts=1",
				"safemap.compensation.backoff.initial-interval=100ms", "safemap.compensation.backoff.max-interval=500ms",
				"resilience4j.circuitbreaker.instances.stock.wait-duration-in-open-state=300ms" })
class DashboardBrowserTests {

	private static final Duration GENEROUS = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	FallbackCaches caches;

	@Autowired
	CompensationRegistry compensations;

	@Autowired
	AuditEventRepository audit;

	@AfterEach
	void healthyDownstreams() {
		http().post().uri("/downstream/mode?m=healthy").retrieve().toBodilessEntity();
		http().post().uri("/demo/compensation/downstream/mode?up=true").retrieve().toBodilessEntity();
		this.caches.cache("prices").circuitBreaker().reset();
	}

	@Test
	void thePageRendersEveryPanelLiveWithNoConsoleErrorAndNoCspViolation() throws Exception {
		try (Browser browser = Browser.start("viewer")) {
			open(browser);
			for (String panel : List.of("maps", "breakers", "compensations", "context")) {
				assertThat(browser.driver.findElement(By.cssSelector("#panel-" + panel + " .scope")).getText())
					.as("panel %s names its instance", panel)
					.startsWith("Instance: ");
			}
			assertThat(browser.driver.findElement(By.cssSelector("#panel-maps [data-map='carts']")).getText())
				.contains("carts");
			assertThat(browser.consoleErrors()).isEmpty();
			// the check can fail: an inline script is refused by the page's CSP, and the refusal is seen
			browser.driver.executeScript(
					"const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1'; document.head.append(s);");
			await().atMost(GENEROUS)
				.untilAsserted(() -> assertThat(browser.consoleErrors()).anyMatch((m) -> m.contains("Content Security Policy")));
			assertThat(browser.driver.executeScript("return window.inlineRan === undefined")).isEqualTo(true);
		}
	}

	@Test
	void aFailingDownstreamOpensTheBreakerPanelAndTheProblemsStripNamesItWithinThreeSeconds() throws Exception {
		try (Browser browser = Browser.start("viewer")) {
			assertThat(http().get().uri("/prices/ACME").retrieve().toBodilessEntity().getStatusCode())
				.isEqualTo(HttpStatus.OK);
			open(browser);
			assertThat(browser.driver.findElement(By.cssSelector("[data-cache='prices'] .state")).getText())
				.isEqualTo("CLOSED");
			http().post().uri("/downstream/mode?m=failing").retrieve().toBodilessEntity();
			CircuitBreaker breaker = this.caches.cache("prices").circuitBreaker();
			await().atMost(GENEROUS).until(() -> {
				http().get().uri("/prices/ACME").exchange((request, response) -> response.getStatusCode());
				return breaker.getState() == CircuitBreaker.State.OPEN;
			});
			// from the moment the breaker is open: 3 s for the page to show it
			WebDriverWait threeSeconds = new WebDriverWait(browser.driver, Duration.ofSeconds(3));
			threeSeconds.until(ExpectedConditions.textToBePresentInElementLocated(
					By.cssSelector("#problems li[data-kind='breaker-open']"), "'prices' is open"));
			assertThat(browser.driver.findElement(By.cssSelector("[data-cache='prices'] .state")).getText())
				.isEqualTo("OPEN");
			WebElement link = browser.driver.findElement(By.cssSelector("#problems li[data-kind='breaker-open'] a"));
			assertThat(link.getAttribute("href")).endsWith("#panel-breakers");
			assertThat(browser.consoleErrors()).isEmpty();
		}
	}

	@Test
	void aDeadLetterAppearsAndTheOperatorsRetryButtonAppliesIt() throws Exception {
		CompensationEntry dead = deadLetter();
		try (Browser browser = Browser.start("operator")) {
			open(browser);
			By retry = By.cssSelector("table.dead tr[data-id='" + dead.id() + "'] button.retry");
			new WebDriverWait(browser.driver, GENEROUS).until(ExpectedConditions.elementToBeClickable(retry));
			http().post().uri("/demo/compensation/downstream/mode?up=true").retrieve().toBodilessEntity();
			browser.driver.findElement(retry).click();
			new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "resubmitted"));
			await().atMost(GENEROUS)
				.until(() -> this.compensations.find(dead.id())
					.map((entry) -> entry.status() == CompensationStatus.DONE)
					.orElse(true));
			assertThat(appliedReservations()).isGreaterThanOrEqualTo(1);
			List<AuditEvent> retries = this.audit.find("operator", null, "SAFEMAP_COMPENSATION_RETRY");
			assertThat(retries).anyMatch((event) -> dead.id().equals(event.getData().get("id")));
			assertThat(browser.consoleErrors()).isEmpty();
		}
	}

	@Test
	void anOperatorDiscardsADeadLetterWithAReasonAndTheDiscardIsAudited() throws Exception {
		CompensationEntry dead = deadLetter();
		try (Browser browser = Browser.start("operator")) {
			open(browser);
			String row = "table.dead tr[data-id='" + dead.id() + "'] ";
			new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.elementToBeClickable(By.cssSelector(row + "button.discard")))
				.click();
			WebElement reason = new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(row + "form.reason input")));
			// an empty reason is not sent (the field is required)
			browser.driver.findElement(By.cssSelector(row + "form.reason button[type='submit']")).click();
			assertThat(this.compensations.find(dead.id())).isPresent();
			reason.sendKeys("order cancelled by the customer");
			browser.driver.findElement(By.cssSelector(row + "form.reason button[type='submit']")).click();
			new WebDriverWait(browser.driver, GENEROUS)
				.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "discarded"));
			assertThat(this.compensations.find(dead.id())).isEmpty();
			List<AuditEvent> discards = this.audit.find("operator", null, "SAFEMAP_COMPENSATION_DISCARD");
			assertThat(discards).anyMatch((event) -> dead.id().equals(event.getData().get("id"))
					&& "order cancelled by the customer".equals(event.getData().get("reason")));
			new WebDriverWait(browser.driver, GENEROUS).until(ExpectedConditions
				.invisibilityOfElementLocated(By.cssSelector("table.dead tr[data-id='" + dead.id() + "']")));
			assertThat(browser.consoleErrors()).isEmpty();
		}
	}

	@Test
	void aViewerSeesNoButtonsAndIsRefusedWhenItPostsAnyway() throws Exception {
		CompensationEntry dead = deadLetter();
		try (Browser browser = Browser.start("viewer")) {
			open(browser);
			new WebDriverWait(browser.driver, GENEROUS).until(ExpectedConditions
				.presenceOfElementLocated(By.cssSelector("table.dead tr[data-id='" + dead.id() + "']")));
			assertThat(browser.driver.findElements(By.cssSelector("button.retry, button.discard"))).isEmpty();
			Object status = browser.driver.executeAsyncScript("""
					const done = arguments[arguments.length - 1];
					fetch(location.pathname + 'api/compensations/' + arguments[0] + '/retry',
						{ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
						.then((r) => done(r.status), (e) => done(String(e)));
					""", dead.id());
			assertThat(status).isEqualTo(403L);
		}
		assertThat(this.compensations.find(dead.id()).map(CompensationEntry::status)).contains(CompensationStatus.DEAD);
		// the dashboard's own rules, behind the application's: an operator without the page's token, or from
		// another origin, is refused too
		RestClient operator = RestClient.builder()
			.baseUrl("http://localhost:" + this.port + "/actuator/safemap-dashboard/")
			.defaultHeaders((headers) -> headers.setBasicAuth("operator", "operator-demo"))
			.build();
		HttpStatusCode withoutToken = operator.post().uri("api/compensations/{id}/retry", dead.id())
			.contentType(MediaType.APPLICATION_JSON).body("{}")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(withoutToken).isEqualTo(HttpStatus.FORBIDDEN);
		Map<String, Object> session = operator.get().uri("api/session").retrieve().body(JSON);
		HttpStatusCode crossOrigin = operator.post().uri("api/compensations/{id}/retry", dead.id())
			.contentType(MediaType.APPLICATION_JSON)
			.header("X-SafeMap-Dashboard-Token", (String) session.get("token")).header("Origin", "https://evil.example")
			.body("{}").exchange((request, response) -> response.getStatusCode());
		assertThat(crossOrigin).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(this.compensations.find(dead.id()).map(CompensationEntry::status)).contains(CompensationStatus.DEAD);
	}

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	/** Places an order while the stock downstream is down, and waits for its reservation to die. */
	private CompensationEntry deadLetter() {
		http().post().uri("/demo/compensation/downstream/mode?up=false").retrieve().toBodilessEntity();
		Map<String, Object> order = http().post()
			.uri("/demo/compensation/orders?sku=pear&quantity=1")
			.retrieve()
			.body(JSON);
		String orderId = (String) order.get("orderId");
		return await().atMost(GENEROUS)
			.until(() -> this.compensations.entries(CompensationStatus.DEAD, 0, 1000)
				.stream()
				.filter((entry) -> entry.idempotencyKey().equals(orderId))
				.findFirst()
				.orElse(null), (entry) -> entry != null);
	}

	private int appliedReservations() {
		return ((Number) http().get().uri("/demo/compensation/downstream").retrieve().body(JSON)
			.get("appliedReservations")).intValue();
	}

	private void open(Browser browser) {
		browser.driver.get("http://localhost:" + this.port + "/actuator/safemap-dashboard/");
		new WebDriverWait(browser.driver, GENEROUS)
			.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
		new WebDriverWait(browser.driver, GENEROUS)
			.until(ExpectedConditions.textMatches(By.id("instance"), java.util.regex.Pattern.compile("instance .+")));
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

}
