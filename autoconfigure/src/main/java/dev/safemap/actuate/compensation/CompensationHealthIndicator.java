package dev.safemap.actuate.compensation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the compensation queue: {@link #DEGRADED} when the oldest waiting entry is older than the configured
 * age, or when there are more dead letters than allowed, else {@code UP}; details give the counts by state
 * ({@code counts}, as the {@code compensations} endpoint gives them), the oldest waiting age
 * ({@code oldestPendingAgeMillis}, 0 when none waits) and the reasons for a degraded status ({@code reasons},
 * empty when up). Not {@code DOWN}: the application still serves, and a queue that waits for a
 * failing downstream must not get healthy instances restarted or taken out of the load balancer.
 * <p>
 * Spring Boot maps a status it does not know to HTTP 200 and leaves it out of the aggregate status unless it is
 * listed in {@code management.endpoint.health.status.order}; list it there (for example
 * {@code down,out-of-service,degraded,up,unknown}) to see it in the overall status, and map it with
 * {@code management.endpoint.health.status.http-mapping.degraded=503} if it should fail a probe.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensationHealthIndicator extends AbstractHealthIndicator {

	/** The queue waits too long or holds too many dead letters; the application still works. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"compensation queue past its oldest-pending-age or dead-letter threshold");

	private final CompensationRegistry registry;

	private final Duration maxOldestPendingAge;

	private final long maxDead;

	/**
	 * Creates the indicator.
	 * @param registry the registry
	 * @param maxOldestPendingAge oldest waiting age above which health is degraded
	 * @param maxDead dead-letter count above which health is degraded
	 */
	public CompensationHealthIndicator(CompensationRegistry registry, Duration maxOldestPendingAge, long maxDead) {
		super("Compensation queue health check failed");
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.maxOldestPendingAge = Objects.requireNonNull(maxOldestPendingAge, "maxOldestPendingAge");
		this.maxDead = maxDead;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<CompensationStatus, Long> counts = this.registry.counts();
		long dead = counts.getOrDefault(CompensationStatus.DEAD, 0L);
		Duration oldest = this.registry.oldestPendingAge().orElse(Duration.ZERO);
		boolean tooOld = oldest.compareTo(this.maxOldestPendingAge) > 0;
		boolean tooManyDead = dead > this.maxDead;
		if (tooOld || tooManyDead) {
			builder.status(DEGRADED);
		}
		else {
			builder.up();
		}
		List<String> reasons = new ArrayList<>();
		if (tooOld) {
			reasons.add("oldest pending entry is older than " + this.maxOldestPendingAge.toMillis() + " ms");
		}
		if (tooManyDead) {
			reasons.add(dead + " dead letters (more than " + this.maxDead + ")");
		}
		// the same names and units as the compensations endpoint
		builder.withDetail("counts", CompensationsEndpoint.counts(counts))
			.withDetail("oldestPendingAgeMillis", oldest.toMillis())
			.withDetail("reasons", reasons);
	}

}
