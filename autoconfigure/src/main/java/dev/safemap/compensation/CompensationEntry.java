package dev.safemap.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One stored write waiting to be replayed, as read from a {@link CompensationStore}: an immutable
 * snapshot of the row at the time it was read.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @param id unique id (a UUID)
 * @param sequence store-assigned insertion order, used for per-key ordering
 * @param target what to call on replay, for example {@code inventoryClient#reserve(com.acme.Order)}
 * @param arguments the call's arguments as JSON (an array)
 * @param idempotencyKey key the downstream uses to apply the write at most once
 * @param orderingKey entries with the same ordering key replay one at a time, oldest first
 * @param context request context captured when the write was enqueued
 * @param status current state
 * @param attempts number of failed replay attempts so far
 * @param nextAttemptAt earliest time of the next attempt
 * @param lastError message of the last failure, if any
 * @param createdAt time of the enqueue
 * @param leaseOwner instance holding the lease while {@code IN_PROGRESS}
 * @param leaseExpiresAt end of that lease
 * @since 0.1.0
 */
public record CompensationEntry(String id, long sequence, String target, String arguments, String idempotencyKey,
		String orderingKey, Map<String, String> context, CompensationStatus status, int attempts,
		Instant nextAttemptAt, @Nullable String lastError, Instant createdAt, @Nullable String leaseOwner,
		@Nullable Instant leaseExpiresAt) {

	/**
	 * Creates an entry.
	 * @throws NullPointerException if a non-nullable component is null
	 */
	public CompensationEntry {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(target, "target must not be null");
		Objects.requireNonNull(arguments, "arguments must not be null");
		Objects.requireNonNull(idempotencyKey, "idempotencyKey must not be null");
		Objects.requireNonNull(orderingKey, "orderingKey must not be null");
		context = Map.copyOf(Objects.requireNonNull(context, "context must not be null"));
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(nextAttemptAt, "nextAttemptAt must not be null");
		Objects.requireNonNull(createdAt, "createdAt must not be null");
	}

	/**
	 * Returns the age of this entry at the given time.
	 * @param now the current time
	 * @return time since the enqueue, never negative
	 */
	public Duration age(Instant now) {
		Duration age = Duration.between(this.createdAt, now);
		return age.isNegative() ? Duration.ZERO : age;
	}

	/**
	 * Returns a copy with another state, attempts, next attempt time and last error.
	 * @param status the new state
	 * @param attempts the new attempt count
	 * @param nextAttemptAt the new next attempt time
	 * @param lastError the new last error
	 * @return the copy
	 */
	public CompensationEntry with(CompensationStatus status, int attempts, Instant nextAttemptAt,
			@Nullable String lastError) {
		return new CompensationEntry(this.id, this.sequence, this.target, this.arguments, this.idempotencyKey,
				this.orderingKey, this.context, status, attempts, nextAttemptAt, lastError, this.createdAt,
				(status == CompensationStatus.IN_PROGRESS) ? this.leaseOwner : null,
				(status == CompensationStatus.IN_PROGRESS) ? this.leaseExpiresAt : null);
	}

	/**
	 * Returns a copy claimed by the given owner.
	 * @param owner the lease owner
	 * @param leaseExpiresAt the end of the lease
	 * @return the copy, {@code IN_PROGRESS}
	 */
	public CompensationEntry claimedBy(String owner, Instant leaseExpiresAt) {
		return new CompensationEntry(this.id, this.sequence, this.target, this.arguments, this.idempotencyKey,
				this.orderingKey, this.context, CompensationStatus.IN_PROGRESS, this.attempts, this.nextAttemptAt,
				this.lastError, this.createdAt, owner, leaseExpiresAt);
	}

}
