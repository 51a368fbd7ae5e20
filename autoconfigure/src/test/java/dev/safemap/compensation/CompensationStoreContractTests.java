package dev.safemap.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link CompensationStore} must show; subclasses supply the store.
 */
public abstract class CompensationStoreContractTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration LEASE = Duration.ofSeconds(30);

	protected abstract CompensationStore store();

	private CompensationEntry enqueue(String arguments, String orderingKey) {
		return store().enqueue(CompensationRequest.of("target#m(java.lang.String)", arguments)
			.withOrderingKey(orderingKey), T0).entry();
	}

	@Test
	public void enqueuedEntryIsPendingAndClaimedWithALease() {
		CompensationEntry entry = store().enqueue(CompensationRequest.of("t#m()", "[\"x\"]")
			.withIdempotencyKey("key-1")
			.withContext(Map.of("tenant", "acme", "user", "u-1")), T0).entry();
		assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);

		List<CompensationEntry> claimed = store().claim("owner-a", T0, LEASE, 10);
		assertThat(claimed).hasSize(1);
		CompensationEntry claim = claimed.get(0);
		assertThat(claim.id()).isEqualTo(entry.id());
		assertThat(claim.status()).isEqualTo(CompensationStatus.IN_PROGRESS);
		assertThat(claim.leaseOwner()).isEqualTo("owner-a");
		assertThat(claim.leaseExpiresAt()).isEqualTo(T0.plus(LEASE));
		assertThat(claim.arguments()).isEqualTo("[\"x\"]");
		assertThat(claim.idempotencyKey()).isEqualTo("key-1");
		assertThat(claim.context()).isEqualTo(Map.of("tenant", "acme", "user", "u-1"));
		assertThat(store().find(entry.id()).orElseThrow().status()).isEqualTo(CompensationStatus.IN_PROGRESS);
	}

	@Test
	public void sameIdempotencyKeyIsStoredOnceWhileWaitingAndAgainAfterDone() {
		CompensationStore.Stored first = store().enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("k"), T0);
		CompensationStore.Stored second = store().enqueue(CompensationRequest.of("t#m()", "[2]").withIdempotencyKey("k"), T0);
		assertThat(first.created()).isTrue();
		assertThat(second.created()).isFalse();
		assertThat(second.entry().id()).isEqualTo(first.entry().id());
		assertThat(second.entry().arguments()).isEqualTo("[1]");

		store().claim("o", T0, LEASE, 10);
		assertThat(store().markDone(first.entry().id(), "o", T0)).isTrue();
		CompensationStore.Stored third = store().enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("k"), T0);
		assertThat(third.created()).isTrue();
		assertThat(store().countByStatus()).containsEntry(CompensationStatus.DONE, 1L)
			.containsEntry(CompensationStatus.PENDING, 1L);
	}

	@Test
	public void sameIdempotencyKeyForAnotherTargetIsStoredAsItsOwnEntry() {
		// reserve(order) and charge(order), both keyed on the order id: two writes, not one
		CompensationStore.Stored reserve = store()
			.enqueue(CompensationRequest.of("stock#reserve(Order)", "[1]").withIdempotencyKey("order-1"), T0);
		CompensationStore.Stored charge = store()
			.enqueue(CompensationRequest.of("payment#charge(Order)", "[1]").withIdempotencyKey("order-1"), T0);
		assertThat(reserve.created()).isTrue();
		assertThat(charge.created()).isTrue();
		assertThat(charge.entry().id()).isNotEqualTo(reserve.entry().id());
		assertThat(charge.entry().target()).isEqualTo("payment#charge(Order)");
		assertThat(store().countByStatus()).containsEntry(CompensationStatus.PENDING, 2L);
	}

	@Test
	public void newCallWhoseKeyMatchesADeadEntryIsStoredAsANewEntry() {
		CompensationEntry dead = store().enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("k"), T0)
			.entry();
		store().claim("o", T0, LEASE, 10);
		assertThat(store().markDead(dead.id(), "o", 3, "gave up", T0)).isTrue();

		CompensationStore.Stored again = store()
			.enqueue(CompensationRequest.of("t#m()", "[2]").withIdempotencyKey("k"), T0.plusSeconds(1));
		assertThat(again.created()).isTrue();
		assertThat(again.entry().status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(again.entry().arguments()).isEqualTo("[2]");
		assertThat(store().find(dead.id()).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		// and the new entry still deduplicates calls while it waits
		assertThat(store().enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("k"), T0.plusSeconds(2))
			.entry()
			.id()).isEqualTo(again.entry().id());
	}

	@Test
	public void claimReturnsOnlyTheOldestWaitingEntryOfEachOrderingKey() {
		CompensationEntry a1 = enqueue("a1", "A");
		CompensationEntry b1 = enqueue("b1", "B");
		CompensationEntry a2 = enqueue("a2", "A");
		List<CompensationEntry> claimed = store().claim("o", T0, LEASE, 10);
		assertThat(claimed).extracting(CompensationEntry::arguments).containsExactly("a1", "b1");
		// a1 in progress still holds back a2
		assertThat(store().claim("o", T0, LEASE, 10)).isEmpty();
		// a1 failed and waits for its retry: a2 is still held back
		store().reschedule(a1.id(), "o", 1, T0.plusSeconds(5), "boom", T0);
		assertThat(store().claim("o", T0, LEASE, 10)).isEmpty();
		store().markDone(b1.id(), "o", T0);
		assertThat(store().claim("o", T0.plusSeconds(5), LEASE, 10)).extracting(CompensationEntry::id)
			.containsExactly(a1.id());
		store().markDone(a1.id(), "o", T0.plusSeconds(5));
		assertThat(store().claim("o", T0.plusSeconds(5), LEASE, 10)).extracting(CompensationEntry::id)
			.containsExactly(a2.id());
	}

	@Test
	public void claimRespectsTheLimitAndTheNextAttemptTime() {
		for (int i = 0; i < 5; i++) {
			enqueue("e" + i, "k" + i);
		}
		assertThat(store().claim("o", T0, LEASE, 2)).extracting(CompensationEntry::arguments)
			.containsExactly("e0", "e1");
		assertThat(store().claim("o", T0.minusSeconds(1), LEASE, 10)).isEmpty();
		assertThat(store().claim("o", T0, LEASE, 10)).hasSize(3);
	}

	@Test
	public void claimedEntryIsExclusiveUntilItsLeaseExpiresThenAnotherOwnerTakesIt() {
		CompensationEntry entry = enqueue("x", "k");
		assertThat(store().claim("crashed", T0, LEASE, 10)).hasSize(1);
		assertThat(store().claim("other", T0.plusSeconds(29), LEASE, 10)).isEmpty();
		List<CompensationEntry> taken = store().claim("other", T0.plus(LEASE), LEASE, 10);
		assertThat(taken).extracting(CompensationEntry::leaseOwner).containsExactly("other");
		// the replay under the expired lease never reported: it counts as an attempt
		assertThat(taken).extracting(CompensationEntry::attempts).containsExactly(1);
		assertThat(store().find(entry.id()).orElseThrow().attempts()).isEqualTo(1);
		// the crashed owner's late result is refused
		assertThat(store().markDone(entry.id(), "crashed", T0.plus(LEASE))).isFalse();
		assertThat(store().reschedule(entry.id(), "crashed", 1, T0, "late", T0)).isFalse();
		assertThat(store().markDone(entry.id(), "other", T0.plus(LEASE))).isTrue();
		assertThat(store().find(entry.id()).orElseThrow().status()).isEqualTo(CompensationStatus.DONE);
	}

	@Test
	public void resubmittedDeadEntryGoesBehindTheWaitingEntriesOfItsKey() {
		CompensationEntry first = enqueue("first", "k");
		store().claim("o", T0, LEASE, 10);
		store().markDead(first.id(), "o", 3, "gave up", T0);
		CompensationEntry second = enqueue("second", "k");

		assertThat(store().resubmit(first.id(), T0)).isTrue();

		assertThat(store().claim("o", T0, LEASE, 10)).extracting(CompensationEntry::id).containsExactly(second.id());
		store().markDone(second.id(), "o", T0);
		assertThat(store().claim("o", T0, LEASE, 10)).singleElement().satisfies((again) -> {
			assertThat(again.id()).isEqualTo(first.id());
			assertThat(again.arguments()).isEqualTo("first");
			assertThat(again.createdAt()).isEqualTo(T0);
		});
	}

	@Test
	public void renewExtendsTheLeaseOfItsOwnerOnly() {
		CompensationEntry entry = enqueue("x", "k");
		store().claim("a", T0, LEASE, 10);
		assertThat(store().renew(entry.id(), "b", T0.plusSeconds(20), LEASE)).isFalse();
		assertThat(store().renew(entry.id(), "a", T0.plusSeconds(20), LEASE)).isTrue();
		// the renewed lease runs to T0 + 50 s: not claimable at T0 + 30 s
		assertThat(store().claim("b", T0.plus(LEASE), LEASE, 10)).isEmpty();
		assertThat(store().claim("b", T0.plusSeconds(50), LEASE, 10)).hasSize(1);
		assertThat(store().renew(entry.id(), "a", T0.plusSeconds(50), LEASE)).as("taken over").isFalse();
	}

	@Test
	public void deadEntryDoesNotHoldBackItsKeyAndCanBeResubmitted() {
		CompensationEntry first = enqueue("first", "k");
		CompensationEntry second = enqueue("second", "k");
		store().claim("o", T0, LEASE, 10);
		assertThat(store().markDead(first.id(), "o", 3, "gave up", T0)).isTrue();
		assertThat(store().claim("o", T0, LEASE, 10)).extracting(CompensationEntry::id).containsExactly(second.id());
		CompensationEntry dead = store().find(first.id()).orElseThrow();
		assertThat(dead.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(dead.lastError()).isEqualTo("gave up");
		assertThat(dead.attempts()).isEqualTo(3);

		assertThat(store().resubmit(first.id(), T0)).isTrue();
		assertThat(store().resubmit(first.id(), T0)).isFalse();
		CompensationEntry resubmitted = store().find(first.id()).orElseThrow();
		assertThat(resubmitted.status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(resubmitted.attempts()).isZero();
	}

	@Test
	public void countsOldestListDiscardResubmitAllAndPurge() {
		CompensationEntry a = enqueue("a", "a");
		CompensationEntry b = store().enqueue(CompensationRequest.of("t#m()", "b"), T0.plusSeconds(10)).entry();
		CompensationEntry c = enqueue("c", "c");
		assertThat(store().oldestPendingCreatedAt()).contains(T0);
		store().claim("o", T0.plusSeconds(10), LEASE, 10);
		store().markDone(a.id(), "o", T0.plusSeconds(10));
		store().markDead(c.id(), "o", 1, "x", T0.plusSeconds(10));
		assertThat(store().countByStatus()).containsEntry(CompensationStatus.DONE, 1L)
			.containsEntry(CompensationStatus.DEAD, 1L)
			.containsEntry(CompensationStatus.IN_PROGRESS, 1L)
			.containsEntry(CompensationStatus.PENDING, 0L);
		assertThat(store().oldestPendingCreatedAt()).contains(T0.plusSeconds(10));
		assertThat(store().list(null, 0, 10)).extracting(CompensationEntry::id).containsExactly(a.id(), b.id(), c.id());
		assertThat(store().list(null, 1, 1)).extracting(CompensationEntry::id).containsExactly(b.id());
		assertThat(store().list(CompensationStatus.DEAD, 0, 10)).extracting(CompensationEntry::id)
			.containsExactly(c.id());

		assertThat(store().discard(b.id())).as("in progress").isFalse();
		assertThat(store().discard(a.id())).as("done").isFalse();
		assertThat(store().resubmitAllDead(T0.plusSeconds(20))).isEqualTo(1);
		assertThat(store().discard(c.id())).as("pending again").isFalse();
		assertThat(store().find(c.id())).isPresent();
		store().claim("o", T0.plusSeconds(20), LEASE, 10);
		store().markDead(c.id(), "o", 1, "x", T0.plusSeconds(20));
		assertThat(store().discard(c.id())).as("dead").isTrue();
		assertThat(store().find(c.id())).isEmpty();
		assertThat(store().purgeDone(T0.plusSeconds(11))).isEqualTo(1);
		assertThat(store().find(a.id())).isEmpty();
	}

}
