package dev.safemap.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Storage SPI of the compensation queue. Implementations must be durable (an entry returned by
 * {@link #enqueue} survives a crash of the process) and must never hand the same entry to two claimers
 * while a lease on it is valid.
 * <p>
 * Ordering contract: {@link #claim} returns, per ordering key, at most the oldest entry that is
 * {@code PENDING} or {@code IN_PROGRESS}, and only when that entry is due ({@code PENDING} with
 * {@code nextAttemptAt <= now}, or {@code IN_PROGRESS} with an expired lease). {@code DONE} and
 * {@code DEAD} entries do not hold back their key.
 * <p>
 * Thread-safety: implementations must be thread-safe and, for shared stores, safe across processes.
 *
 * @since 0.1.0
 */
public interface CompensationStore {

	/**
	 * Stores a request as a new {@code PENDING} entry due now, unless an entry of the same target with the same
	 * idempotency key is waiting ({@code PENDING} or {@code IN_PROGRESS}), in which case nothing is stored and that
	 * entry is returned ({@link Stored#created()} false). Keys are unique per target: an entry of another target
	 * never matches, and neither does a {@code DEAD} entry (nor a dead entry resubmitted by an operator, which no
	 * longer holds its key), so a call is never dropped for a clash with them.
	 * @param request the request
	 * @param now the current time
	 * @return the new or the existing entry
	 */
	Stored enqueue(CompensationRequest request, Instant now);

	/**
	 * Claims up to {@code limit} due entries for {@code owner}, marking them {@code IN_PROGRESS} with a lease.
	 * Taking over an {@code IN_PROGRESS} entry whose lease expired counts one attempt (the replay under that lease
	 * never reported: its worker died or lost the lease), so an entry that kills its worker runs out of attempts.
	 * @param owner the claiming instance
	 * @param now the current time
	 * @param lease how long the claim is exclusive
	 * @param limit maximum number of entries
	 * @return the claimed entries, oldest first
	 */
	List<CompensationEntry> claim(String owner, Instant now, Duration lease, int limit);

	/**
	 * Extends the lease of an entry still held by {@code owner} to {@code now + lease}. The registry calls it
	 * before a replay once a third of the lease may have elapsed since the claim (so an entry whose lease ran out and
	 * was claimed by another instance meanwhile is not replayed here) and every third of the lease while the replay
	 * runs. Atomic with respect to {@link #claim}: either the
	 * renewal wins and nobody else can claim the entry until the new expiry, or the other claim wins and this
	 * returns false.
	 * @param id the entry id
	 * @param owner the owner of the lease
	 * @param now the current time
	 * @param lease the new lease, from now
	 * @return whether the entry was still {@code IN_PROGRESS} and held by {@code owner}
	 */
	boolean renew(String id, String owner, Instant now, Duration lease);

	/**
	 * Marks an entry claimed by {@code owner} as done.
	 * @param id the entry id
	 * @param owner the owner of the lease
	 * @param now the current time
	 * @return whether the entry was still held by {@code owner}
	 */
	boolean markDone(String id, String owner, Instant now);

	/**
	 * Puts an entry claimed by {@code owner} back to {@code PENDING}.
	 * @param id the entry id
	 * @param owner the owner of the lease
	 * @param attempts the new attempt count
	 * @param nextAttemptAt the next attempt time
	 * @param lastError the failure, if any
	 * @param now the current time
	 * @return whether the entry was still held by {@code owner}
	 */
	boolean reschedule(String id, String owner, int attempts, Instant nextAttemptAt, @Nullable String lastError,
			Instant now);

	/**
	 * Moves an entry claimed by {@code owner} to dead letters.
	 * @param id the entry id
	 * @param owner the owner of the lease
	 * @param attempts the attempt count
	 * @param reason why
	 * @param now the current time
	 * @return whether the entry was still held by {@code owner}
	 */
	boolean markDead(String id, String owner, int attempts, String reason, Instant now);

	/**
	 * Finds an entry.
	 * @param id the entry id
	 * @return the entry, if stored
	 */
	Optional<CompensationEntry> find(String id);

	/**
	 * Lists entries, oldest first.
	 * @param status only this state, or all when null
	 * @param offset entries to skip
	 * @param limit maximum entries
	 * @return the entries
	 */
	List<CompensationEntry> list(@Nullable CompensationStatus status, int offset, int limit);

	/**
	 * Counts entries by state.
	 * @return a count for every state (0 when none)
	 */
	Map<CompensationStatus, Long> countByStatus();

	/**
	 * Returns whether an entry of the ordering key waits ({@code PENDING} or {@code IN_PROGRESS}): a new call of
	 * that key must then go behind it instead of reaching the downstream directly.
	 * @param orderingKey the ordering key
	 * @return whether an entry of that key waits
	 */
	boolean hasWaiting(String orderingKey);

	/**
	 * Returns the creation time of the oldest {@code PENDING} or {@code IN_PROGRESS} entry.
	 * @return that time, if any entry waits
	 */
	Optional<Instant> oldestPendingCreatedAt();

	/**
	 * Puts a dead entry back to {@code PENDING}, due now, with its attempts reset.
	 * @param id the entry id
	 * @param now the current time
	 * @return whether a dead entry was resubmitted
	 */
	boolean resubmit(String id, Instant now);

	/**
	 * Puts every dead entry back to {@code PENDING}, due now, with attempts reset.
	 * @param now the current time
	 * @return the number resubmitted
	 */
	int resubmitAllDead(Instant now);

	/**
	 * Deletes a {@code DEAD} entry. Entries in any other state are kept: a {@code PENDING} or
	 * {@code IN_PROGRESS} entry is a write that may still succeed, and a {@code DONE} one is purged on its own.
	 * The check and the delete are one atomic step.
	 * @param id the entry id
	 * @return whether a dead entry was deleted
	 */
	boolean discard(String id);

	/**
	 * Deletes {@code DONE} entries finished before the given time.
	 * @param before the cut-off
	 * @return the number deleted
	 */
	int purgeDone(Instant before);

	/**
	 * Result of {@link #enqueue}. Immutable and thread-safe.
	 *
	 * @param entry the stored entry (new, or the one already waiting under the same idempotency key)
	 * @param created whether a new entry was stored
	 * @since 0.1.0
	 */
	record Stored(CompensationEntry entry, boolean created) {
	}

}
