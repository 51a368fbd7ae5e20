package dev.safemap.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the compensation queue: {@code DOWN} when the oldest waiting entry is older than the configured
 * age, or when there are more dead letters than allowed; details give the counts and the oldest age either way.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensationHealthIndicator extends AbstractHealthIndicator {

	private final CompensationRegistry registry;

	private final Duration maxOldestPendingAge;

	private final long maxDead;

	/**
	 * Creates the indicator.
	 * @param registry the registry
	 * @param maxOldestPendingAge oldest waiting age above which health is down
	 * @param maxDead dead-letter count above which health is down
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
			builder.down();
		}
		else {
			builder.up();
		}
		builder.withDetail("pending", counts.getOrDefault(CompensationStatus.PENDING, 0L))
			.withDetail("inProgress", counts.getOrDefault(CompensationStatus.IN_PROGRESS, 0L))
			.withDetail("dead", dead)
			.withDetail("oldestPendingAge", oldest.toString());
		if (tooOld) {
			builder.withDetail("reason", "oldest pending entry is older than " + this.maxOldestPendingAge);
		}
		if (tooManyDead) {
			builder.withDetail(tooOld ? "reason2" : "reason", dead + " dead letters (more than " + this.maxDead + ")");
		}
	}

}
