package dev.safemap.actuate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.safemap.actuate.OperatorActions;
import dev.safemap.actuate.compensation.CompensationHealthIndicator;
import dev.safemap.actuate.compensation.CompensationMetrics;
import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.actuate.endpoint.SimpleHttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

@ExtendWith(OutputCaptureExtension.class)
class CompensationActuateTests {

	private final KeyMasker keyMasker = KeyMasker.withSecret("a test secret of 32 bytes.......");

	private static final SecurityContext NONE = SecurityContext.NONE;

	@TempDir
	Path directory;

	private JdbcCompensationStore store;

	private CompensationRegistry registry;

	private final AtomicBoolean up = new AtomicBoolean();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void setUp() {
		this.store = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		CompensationMetrics metrics = new CompensationMetrics(() -> this.registry, Duration.ZERO);
		metrics.bindTo(this.meters);
		this.registry = CompensationRegistry.builder(this.store)
			.maxAttempts(1)
			.backoff(IntervalFunction.of(1))
			.listener(metrics)
			.handlers((target) -> (entry) -> {
				if (!this.up.get()) {
					throw new IOException("down");
				}
			})
			.build();
	}

	@AfterEach
	void tearDown() {
		this.registry.close();
		this.store.close();
	}

	@Test
	void endpointShowsCountsAndMetadataWithMaskedKeysAndNoArgumentsByDefault() {
		this.registry.enqueue(CompensationRequest.of("inventory#reserve(Order)", "[{\"email\":\"a@b.c\"}]")
			.withIdempotencyKey("order-1"));
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of());
		CompensationsEndpoint.QueueDescriptor queue = endpoint.compensations(null, null, null, SecurityContext.NONE);
		assertThat(queue.counts()).containsExactly(entry("pending", 1L), entry("in_progress", 0L), entry("done", 0L),
				entry("dead", 0L));
		assertThat(queue.oldestPendingAgeMillis()).isGreaterThanOrEqualTo(0L);
		assertThat(queue.entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.target()).isEqualTo("inventory#reserve(Order)");
			assertThat(entry.key()).isEqualTo(this.keyMasker.mask("order-1")).doesNotContain("order-1");
			assertThat(entry.arguments()).isNull();
			assertThat(entry.context()).isNull();
			assertThat(entry.nextAttemptAt()).isNotNull();
		});
		CompensationsEndpoint revealing = new CompensationsEndpoint(this.registry, this.keyMasker, Show.ALWAYS, Set.of());
		assertThat(revealing.compensations("pending", 0, 5, SecurityContext.NONE).entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.key()).isEqualTo("order-1");
			assertThat(entry.arguments()).isEqualTo("[{\"email\":\"a@b.c\"}]");
		});
	}

	@Test
	void endpointRetriesOneOrAllDeadAndDiscards() {
		String first = this.registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		String second = this.registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		String third = this.registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		this.registry.replayDue(); // max attempts 1: all dead
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of());
		assertThat(endpoint.compensations("DEAD", 0, 10, SecurityContext.NONE).entries()).hasSize(3)
			.allSatisfy((e) -> assertThat(e.status()).isEqualTo("dead"));
		assertThat(endpoint.compensations("dead", 0, 10, SecurityContext.NONE).entries()).hasSize(3)
			.allSatisfy((e) -> assertThat(e.lastError()).contains("gave up after 1 attempts"));

		assertThat(endpoint.retry(NONE, first, "Retry").affected()).as("actions in any case").isEqualTo(1);
		assertThat(endpoint.retry(NONE, first, "retry").affected()).as("not dead any more").isZero();
		assertThat(endpoint.discard(NONE, second, "duplicate of order 7").affected()).isEqualTo(1);
		assertThat(endpoint.entry(second, NONE)).isNull();
		assertThat(endpoint.retryAllDead(NONE, "retry-dead").affected()).isEqualTo(1);
		assertThat(endpoint.entry(third, NONE).status()).isEqualTo("pending");

		this.up.set(true);
		this.registry.replayDue();
		CompensationsEndpoint.QueueDescriptor done = endpoint.compensations(null, null, null, SecurityContext.NONE);
		assertThat(done.counts()).containsEntry("done", 2L).containsEntry("dead", 0L);
		assertThat(done.oldestPendingAgeMillis()).as("present, 0, when nothing waits").isZero();
	}

	@Test
	void endpointRejectsBadInputWithTheValue() {
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of());
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.compensations("stuck", null, null, SecurityContext.NONE))
			.withMessageContaining("'stuck'");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.compensations(null, 0, 5000, SecurityContext.NONE))
			.withMessageContaining("5000");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.retry(NONE, "x", "delete"))
			.withMessageContaining("'delete'")
			.withMessageContaining("{\"action\":\"retry\"}");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.retryAllDead(NONE, null))
			.withMessageContaining("action must be 'retry-dead'")
			.withMessageContaining("but is missing");
	}

	@Test
	void discardOfAWaitingEntryIsRefusedAndKeepsIt() {
		String pending = this.registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of());

		CompensationsEndpoint.ActionDescriptor refused = endpoint.discard(NONE, pending, "looks stuck");

		assertThat(refused.affected()).isZero();
		assertThat(refused.message()).isEqualTo("entry " + pending + " is pending, only dead entries can be discarded");
		assertThat(endpoint.entry(pending, NONE).status()).isEqualTo("pending");
	}

	@Test
	void discardWithoutAReasonIsABadRequestThatSaysWhatIsMissing() {
		this.registry.enqueue(CompensationRequest.of("t", "[]"));
		this.registry.replayDue();
		String dead = this.registry.entries(CompensationStatus.DEAD, 0, 1).get(0).id();
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of());
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.discard(NONE, dead, null))
			.withMessageStartingWith("reason is missing: give why the dead entry is dropped, 1 to 500 characters");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.discard(NONE, dead, "  "))
			.withMessageStartingWith("reason is blank");
		assertThat(endpoint.entry(dead, NONE)).isNotNull();
	}

	@Test
	void everyOperatorActionIsPublishedAsAnAuditEventWithThePrincipal(CapturedOutput output) {
		this.registry.enqueue(CompensationRequest.of("inventory#reserve", "[]"));
		this.registry.replayDue();
		String dead = this.registry.entries(CompensationStatus.DEAD, 0, 1).get(0).id();
		List<AuditEvent> events = new ArrayList<>();
		OperatorActions actions = new OperatorActions((event) -> events.add(((AuditApplicationEvent) event).getAuditEvent()),
				Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC));
		CompensationsEndpoint endpoint = new CompensationsEndpoint(this.registry, this.keyMasker, Show.NEVER, Set.of(), actions);

		endpoint.retryAllDead(caller("ops-anna"), "retry-dead");
		this.registry.replayDue(); // dead again
		endpoint.discard(caller("ops-ben"), dead, "order cancelled\nFAKE LOG LINE");

		assertThat(events).extracting(AuditEvent::getPrincipal, AuditEvent::getType)
			.containsExactly(tuple("ops-anna", CompensationsEndpoint.RETRY_DEAD_EVENT),
					tuple("ops-ben", CompensationsEndpoint.DISCARD_EVENT));
		assertThat(events.get(1).getTimestamp()).isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
		assertThat(events.get(1).getData()).containsEntry("id", dead)
			.containsEntry("target", "inventory#reserve")
			.containsEntry("affected", "1")
			.containsEntry("reason", "order cancelled?FAKE LOG LINE");
		assertThat(output).contains("WARN").contains("SafeMap operator action SAFEMAP_COMPENSATION_DISCARD by 'ops-ben'"
				+ " at 2026-12-04T10:00:00Z").doesNotContain("\nFAKE LOG LINE");
		assertThat(output).contains("SafeMap operator action SAFEMAP_COMPENSATION_RETRY_DEAD by 'ops-anna'");
	}

	private static SecurityContext caller(String name) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> name;
			}

			@Override
			public boolean isUserInRole(String role) {
				return false;
			}

		};
	}

	@Test
	void metricsCountEnqueuedFailedDeadReplayedAndShowDepthAndLag() {
		this.registry.enqueue(CompensationRequest.of("t", "[]"));
		this.registry.enqueue(CompensationRequest.of("t", "[]").withIdempotencyKey("same"));
		this.registry.enqueue(CompensationRequest.of("t", "[]").withIdempotencyKey("same"));
		assertThat(this.meters.get("safemap.compensation.enqueued").tag("target", "t").counter().count()).isEqualTo(2);
		assertThat(this.meters.get("safemap.compensation.queue.depth").tag("status", "pending").gauge().value())
			.isEqualTo(2);
		assertThat(this.meters.get("safemap.compensation.oldest.pending.age").gauge().value()).isGreaterThanOrEqualTo(0);
		this.registry.replayDue();
		assertThat(this.meters.get("safemap.compensation.dead").counter().count()).isEqualTo(2);
		assertThat(this.meters.get("safemap.compensation.queue.depth").tag("status", "dead").gauge().value())
			.isEqualTo(2);
		this.registry.retryAllDead();
		this.up.set(true);
		this.registry.replayDue();
		assertThat(this.meters.get("safemap.compensation.replayed").counter().count()).isEqualTo(2);
		assertThat(this.meters.get("safemap.compensation.replay.lag").timer().count()).isEqualTo(2);
	}

	@Test
	void metricsCountFailedAttemptsThatWillBeRetried() {
		CompensationMetrics metrics = new CompensationMetrics(() -> this.registry, Duration.ZERO);
		SimpleMeterRegistry own = new SimpleMeterRegistry();
		metrics.bindTo(own);
		CompensationRegistry withRetries = CompensationRegistry.builder(this.store)
			.maxAttempts(5)
			.listener(metrics)
			.handlers((t) -> (e) -> {
				throw new IOException("down");
			})
			.build();
		withRetries.enqueue(CompensationRequest.of("t", "[]"));
		withRetries.replayDue();
		assertThat(own.get("safemap.compensation.failed").counter().count()).isEqualTo(1);
		withRetries.close();
	}

	@Test
	void healthIsDegradedNotDownPastTheDeadLetterOrAgeThresholds() {
		CompensationHealthIndicator lenient = new CompensationHealthIndicator(this.registry, Duration.ofHours(1), 0);
		Health empty = lenient.health(true);
		assertThat(empty.getStatus()).isEqualTo(Status.UP);
		// the endpoint's names and units, every field present
		assertThat(empty.getDetails()).containsEntry("oldestPendingAgeMillis", 0L)
			.containsEntry("counts", Map.of("pending", 0L, "in_progress", 0L, "done", 0L, "dead", 0L))
			.containsEntry("reasons", List.of());
		this.registry.enqueue(CompensationRequest.of("t", "[]"));
		CompensationHealthIndicator strictAge = new CompensationHealthIndicator(this.registry, Duration.ofNanos(1), 0);
		sleep();
		Health old = strictAge.health(true);
		assertThat(old.getStatus()).isEqualTo(CompensationHealthIndicator.DEGRADED);
		assertThat(old.getDetails().get("counts")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("pending", 1L);
		assertThat(old.getDetails().get("reasons")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("oldest pending entry is older than 0 ms");
		assertThat((Long) old.getDetails().get("oldestPendingAgeMillis")).isGreaterThanOrEqualTo(0L);
		this.registry.replayDue(); // dead now
		Health dead = lenient.health(true);
		assertThat(dead.getStatus()).isEqualTo(CompensationHealthIndicator.DEGRADED);
		assertThat(dead.getDetails().get("counts")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("dead", 1L);
		assertThat(dead.getDetails().get("reasons")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("1 dead letters (more than 0)");
		assertThat(new CompensationHealthIndicator(this.registry, Duration.ofHours(1), 1).health(true).getStatus())
			.isEqualTo(Status.UP);
	}

	@Test
	void degradedIsHttp200AndStaysOutOfTheDefaultAggregateButRanksBetweenDownAndUpWhenOrdered() {
		// what docs/compensation.md promises about Spring Boot's handling of the DEGRADED status
		Status degraded = CompensationHealthIndicator.DEGRADED;
		assertThat(new SimpleHttpCodeStatusMapper().getStatusCode(degraded)).isEqualTo(200);
		assertThat(new SimpleStatusAggregator().getAggregateStatus(Set.of(Status.UP, degraded))).isEqualTo(Status.UP);
		SimpleStatusAggregator ordered = new SimpleStatusAggregator("down", "out-of-service", "degraded", "up",
				"unknown");
		assertThat(ordered.getAggregateStatus(Set.of(Status.UP, degraded))).isEqualTo(degraded);
		assertThat(ordered.getAggregateStatus(Set.of(Status.DOWN, degraded))).isEqualTo(Status.DOWN);
	}

	private static void sleep() {
		try {
			Thread.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
