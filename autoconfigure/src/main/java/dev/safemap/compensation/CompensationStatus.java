package dev.safemap.compensation;

/**
 * Lifecycle state of a {@link CompensationEntry}.
 * <p>
 * {@code PENDING -> IN_PROGRESS -> DONE}, or back to {@code PENDING} after a failed attempt, or
 * {@code DEAD} after the maximum attempts or age; a dead entry goes back to {@code PENDING} only when an
 * operator resubmits it. An {@code IN_PROGRESS} entry whose lease expired (its instance crashed) is
 * claimable again.
 * <p>
 * Thread-safety: enum constants are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public enum CompensationStatus {

	/** Waiting for its next attempt. */
	PENDING,

	/** Claimed by one instance, which holds a lease on it. */
	IN_PROGRESS,

	/** Replayed successfully. */
	DONE,

	/** Given up on (dead letter): maximum attempts or age reached, or the entry is unreadable. */
	DEAD

}
