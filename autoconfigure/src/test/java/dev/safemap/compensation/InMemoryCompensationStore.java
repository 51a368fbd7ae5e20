package dev.safemap.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Test double: a non-durable {@link CompensationStore} with the same claim contract as the JDBC store.
 * Never use it in production: a queue that forgets on restart loses writes.
 */
final class InMemoryCompensationStore implements CompensationStore {

	private final Map<String, CompensationEntry> entries = new LinkedHashMap<>();

	private long sequence;

	/** Resubmitted dead entries: like the JDBC store's, they no longer hold their idempotency key. */
	private final Set<String> resubmitted = new HashSet<>();

	@Override
	public synchronized Stored enqueue(CompensationRequest request, Instant now) {
		for (CompensationEntry existing : this.entries.values()) {
			boolean waiting = existing.status() == CompensationStatus.PENDING
					|| existing.status() == CompensationStatus.IN_PROGRESS;
			if (waiting && existing.target().equals(request.target())
					&& existing.idempotencyKey().equals(request.idempotencyKey())
					&& !this.resubmitted.contains(existing.id())) {
				return new Stored(existing, false);
			}
		}
		CompensationEntry entry = new CompensationEntry(UUID.randomUUID().toString(), ++this.sequence,
				request.target(), request.arguments(), request.idempotencyKey(), request.orderingKey(),
				request.context(), CompensationStatus.PENDING, 0, now, null, now, null, null);
		this.entries.put(entry.id(), entry);
		return new Stored(entry, true);
	}

	@Override
	public synchronized List<CompensationEntry> claim(String owner, Instant now, Duration lease, int limit) {
		List<CompensationEntry> claimed = new ArrayList<>();
		Set<String> seenKeys = new HashSet<>();
		for (CompensationEntry entry : this.entries.values()) {
			if (claimed.size() >= limit) {
				break;
			}
			boolean open = entry.status() == CompensationStatus.PENDING
					|| entry.status() == CompensationStatus.IN_PROGRESS;
			if (!open || !seenKeys.add(entry.orderingKey())) {
				continue; // not open, or not the head of its key
			}
			boolean due = (entry.status() == CompensationStatus.PENDING && !entry.nextAttemptAt().isAfter(now))
					|| (entry.status() == CompensationStatus.IN_PROGRESS && entry.leaseExpiresAt() != null
							&& !entry.leaseExpiresAt().isAfter(now));
			if (due) {
				CompensationEntry taken = (entry.status() == CompensationStatus.IN_PROGRESS) ? entry
					.with(CompensationStatus.IN_PROGRESS, entry.attempts() + 1, entry.nextAttemptAt(), entry.lastError())
						: entry;
				CompensationEntry claim = taken.claimedBy(owner, now.plus(lease));
				this.entries.put(entry.id(), claim);
				claimed.add(claim);
			}
		}
		return claimed;
	}

	private @Nullable CompensationEntry held(String id, String owner) {
		CompensationEntry entry = this.entries.get(id);
		return (entry != null && entry.status() == CompensationStatus.IN_PROGRESS
				&& owner.equals(entry.leaseOwner())) ? entry : null;
	}

	@Override
	public synchronized boolean renew(String id, String owner, Instant now, Duration lease) {
		CompensationEntry entry = held(id, owner);
		if (entry == null) {
			return false;
		}
		this.entries.put(id, entry.claimedBy(owner, now.plus(lease)));
		return true;
	}

	@Override
	public synchronized boolean markDone(String id, String owner, Instant now) {
		CompensationEntry entry = held(id, owner);
		if (entry == null) {
			return false;
		}
		this.entries.put(id, entry.with(CompensationStatus.DONE, entry.attempts(), now, entry.lastError()));
		return true;
	}

	@Override
	public synchronized boolean reschedule(String id, String owner, int attempts, Instant nextAttemptAt,
			@Nullable String lastError, Instant now) {
		CompensationEntry entry = held(id, owner);
		if (entry == null) {
			return false;
		}
		this.entries.put(id, entry.with(CompensationStatus.PENDING, attempts, nextAttemptAt, lastError));
		return true;
	}

	@Override
	public synchronized boolean markDead(String id, String owner, int attempts, String reason, Instant now) {
		CompensationEntry entry = held(id, owner);
		if (entry == null) {
			return false;
		}
		this.entries.put(id, entry.with(CompensationStatus.DEAD, attempts, now, reason));
		return true;
	}

	@Override
	public synchronized Optional<CompensationEntry> find(String id) {
		return Optional.ofNullable(this.entries.get(id));
	}

	@Override
	public synchronized List<CompensationEntry> list(@Nullable CompensationStatus status, int offset, int limit) {
		return this.entries.values()
			.stream()
			.filter((e) -> status == null || e.status() == status)
			.skip(offset)
			.limit(limit)
			.toList();
	}

	@Override
	public synchronized Map<CompensationStatus, Long> countByStatus() {
		Map<CompensationStatus, Long> counts = new EnumMap<>(CompensationStatus.class);
		for (CompensationStatus status : CompensationStatus.values()) {
			counts.put(status, 0L);
		}
		this.entries.values().forEach((e) -> counts.merge(e.status(), 1L, Long::sum));
		return counts;
	}

	@Override
	public synchronized boolean hasWaiting(String orderingKey) {
		return this.entries.values()
			.stream()
			.anyMatch((e) -> e.orderingKey().equals(orderingKey) && (e.status() == CompensationStatus.PENDING
					|| e.status() == CompensationStatus.IN_PROGRESS));
	}

	@Override
	public synchronized Optional<Instant> oldestPendingCreatedAt() {
		return this.entries.values()
			.stream()
			.filter((e) -> e.status() == CompensationStatus.PENDING || e.status() == CompensationStatus.IN_PROGRESS)
			.map(CompensationEntry::createdAt)
			.min(Instant::compareTo);
	}

	@Override
	public synchronized boolean resubmit(String id, Instant now) {
		CompensationEntry entry = this.entries.get(id);
		if (entry == null || entry.status() != CompensationStatus.DEAD) {
			return false;
		}
		// behind every entry of its key: a new sequence, at the end of the insertion order
		this.entries.remove(id);
		this.entries.put(id, new CompensationEntry(id, ++this.sequence, entry.target(), entry.arguments(),
				entry.idempotencyKey(), entry.orderingKey(), entry.context(), CompensationStatus.PENDING, 0, now,
				entry.lastError(), entry.createdAt(), null, null));
		this.resubmitted.add(id);
		return true;
	}

	@Override
	public synchronized int resubmitAllDead(Instant now) {
		int count = 0;
		for (CompensationEntry entry : List.copyOf(this.entries.values())) {
			if (resubmit(entry.id(), now)) {
				count++;
			}
		}
		return count;
	}

	@Override
	public synchronized boolean discard(String id) {
		CompensationEntry entry = this.entries.get(id);
		if (entry == null || entry.status() != CompensationStatus.DEAD) {
			return false;
		}
		this.entries.remove(id);
		return true;
	}

	@Override
	public synchronized int purgeDone(Instant before) {
		int before0 = this.entries.size();
		this.entries.values()
			.removeIf((e) -> e.status() == CompensationStatus.DONE && e.nextAttemptAt().isBefore(before));
		return before0 - this.entries.size();
	}

}
