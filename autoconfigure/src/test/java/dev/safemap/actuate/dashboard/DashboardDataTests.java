package dev.safemap.actuate.dashboard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import java.util.Set;

import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakerView;
import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakersPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.CacheView;
import dev.safemap.actuate.dashboard.DashboardSnapshot.Problem;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a dashboard page is shown: the compensation panel masks exactly as the {@code compensations} endpoint does
 * for the same viewer (captured from the request, so a stream pushed from another thread masks alike), and the
 * problems strip says in words what needs an operator.
 */
class DashboardDataTests {

	private final KeyMasker keyMasker = KeyMasker.withSecret("a test secret of 32 bytes.......");

	@TempDir
	Path directory;

	private JdbcCompensationStore store;

	private CompensationRegistry registry;

	@BeforeEach
	void setUp() {
		this.store = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		this.registry = CompensationRegistry.builder(this.store)
			.maxAttempts(1)
			.backoff(IntervalFunction.of(1))
			.handlers((target) -> (entry) -> {
				throw new IOException("downstream down");
			})
			.build();
	}

	@AfterEach
	void tearDown() {
		this.registry.close();
		this.store.close();
	}

	@Test
	void deadLetterKeysAreMaskedForAViewerWithoutTheMaskingRoleAndShownToOneWithIt() {
		this.registry.enqueue(CompensationRequest.of("inventory#reserve", "[]").withIdempotencyKey("alice@example.com"));
		this.registry.replayDue(); // max attempts 1: dead
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.WHEN_AUTHORIZED,
				Set.of("KEYS"));
		DashboardData data = DashboardData.builder("test-instance")
			.compensations(EndpointPanels.compensations(endpoint, "embedded store of test-instance", true))
			.build();

		DashboardSnapshot viewer = data.snapshot(captured("vera", "VIEW"), false);
		assertThat(viewer.compensations().dead()).singleElement()
			.satisfies((entry) -> assertThat(entry.key()).isEqualTo(this.keyMasker.mask("alice@example.com")));
		assertThat(viewer.operate()).isFalse();
		assertThat(viewer.problems()).extracting(Problem::kind).containsExactly("dead-letters");
		assertThat(viewer.problems().get(0).text()).startsWith("1 dead letter waits for an operator");

		DashboardSnapshot keyHolder = data.snapshot(captured("kim", "VIEW", "KEYS"), true);
		assertThat(keyHolder.compensations().dead()).singleElement()
			.satisfies((entry) -> assertThat(entry.key()).isEqualTo("alice@example.com"));
		assertThat(keyHolder.operate()).isTrue();
		// what the endpoint itself shows the same request
		assertThat(endpoint.compensations("dead", 0, 5, captured("vera", "VIEW")).entries().get(0).key())
			.isEqualTo(viewer.compensations().dead().get(0).key());
	}

	@Test
	void anonymousViewersSeeMasksAndAReadOnlyEndpointMeansNoOperating() {
		this.registry.enqueue(CompensationRequest.of("inventory#reserve", "[]").withIdempotencyKey("bob"));
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.WHEN_AUTHORIZED,
				Set.of());
		DashboardData data = DashboardData.builder("i")
			.compensations(EndpointPanels.compensations(endpoint, "store", false))
			.build();
		DashboardSnapshot snapshot = data.snapshot(DashboardViewer.capture(new MockHttpServletRequest(), Set.of()), true);
		assertThat(snapshot.compensations().pending()).singleElement()
			.satisfies((entry) -> assertThat(entry.key()).isEqualTo(this.keyMasker.mask("bob")));
		assertThat(snapshot.operate()).as("the endpoint is read-only").isFalse();
		assertThat(snapshot.problems()).isEmpty();
	}

	@Test
	void theProblemsStripNamesAnOpenBreakerAndANearlySpentStalenessBudgetButNotAHalfOpenBreaker() {
		Instant since = Instant.parse("2026-12-04T10:00:00Z");
		BreakerView open = new BreakerView("prices", "OPEN", since, 80f, List.of());
		BreakerView halfOpen = new BreakerView("stock", "HALF_OPEN", since, -1f, List.of());
		CacheView prices = new CacheView("prices", open, true, 1, 4, 30, 0, Duration.ofMinutes(5).toMillis(), 250_000L,
				250_000L, 250_000.0 / 300_000);
		CacheView fresh = new CacheView("rates", new BreakerView("rates", "CLOSED", since, 0f, List.of()), false, 9, 9,
				1, 0, 600_000, 1_000L, 1_000L, 1_000.0 / 600_000);
		BreakersPanel breakers = new BreakersPanel("i", true, null, "caffeine", List.of(prices, fresh), List.of(halfOpen));
		DashboardData data = DashboardData.builder("i")
			.clock(Clock.fixed(since, ZoneOffset.UTC))
			.breakers(() -> breakers)
			.build();
		List<Problem> problems = data.snapshot(SecurityContext.NONE, false).problems();
		assertThat(problems).extracting(Problem::kind, Problem::panel)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("breaker-open", "breakers"),
					org.assertj.core.groups.Tuple.tuple("staleness", "breakers"));
		assertThat(problems.get(0).text()).contains("'prices' is open");
		assertThat(problems.get(0).since()).isEqualTo(since);
		assertThat(problems.get(1).text()).isEqualTo(
				"Fallback cache 'prices' served a value 4m 10s old: 83% of its 5m staleness budget");
	}

	@Test
	void aPanelWithoutItsSourceSaysWhatToAdd() {
		DashboardSnapshot snapshot = DashboardData.builder("i").build().snapshot(SecurityContext.NONE, true);
		assertThat(snapshot.maps().available()).isFalse();
		assertThat(snapshot.maps().note()).contains("management.endpoints.web.exposure.include");
		assertThat(snapshot.compensations().note()).contains("compensations");
		assertThat(snapshot.operate()).isFalse();
		assertThat(snapshot.problems()).isEmpty();
	}

	private static SecurityContext captured(String user, String... roles) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setUserPrincipal(() -> user);
		for (String role : roles) {
			request.addUserRole(role);
		}
		return DashboardViewer.capture(request, Set.of("KEYS", "VIEW"));
	}


}
