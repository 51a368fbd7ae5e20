package dev.safemap.compensation.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore.Stored;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Group commit of the embedded store: callers that queue up while a commit is written share the next commit, and
 * each still gets its own outcome.
 */
class GroupCommitEnqueuerTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	@TempDir
	Path directory;

	private JdbcCompensationStore store;

	private GroupCommitEnqueuer groupCommit;

	private final ExecutorService callers = Executors.newFixedThreadPool(8);

	@BeforeEach
	void open() {
		this.store = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		this.groupCommit = this.store.groupCommit();
		assertThat(this.groupCommit).isNotNull();
	}

	@AfterEach
	void close() throws InterruptedException {
		this.callers.shutdownNow();
		this.callers.awaitTermination(10, TimeUnit.SECONDS);
		this.store.close();
	}

	@Test
	void callersQueuedDuringACommitShareOneCommitAndEachGetsItsEntry() throws Exception {
		List<CompletableFuture<Stored>> results = inOneBatch(
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("a"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[2]").withIdempotencyKey("b"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("c"), NOW));
		Set<Long> sequences = new HashSet<>();
		for (CompletableFuture<Stored> result : results) {
			Stored stored = result.get(10, TimeUnit.SECONDS);
			assertThat(stored.created()).isTrue();
			sequences.add(stored.entry().sequence());
			CompensationEntry found = this.store.find(stored.entry().id()).orElseThrow();
			assertThat(found.arguments()).isEqualTo(stored.entry().arguments());
			assertThat(found.sequence()).isEqualTo(stored.entry().sequence());
		}
		assertThat(sequences).hasSize(3);
	}

	@Test
	void sameKeyTwiceInOneBatchIsStoredOnce() throws Exception {
		List<CompletableFuture<Stored>> results = inOneBatch(
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("same"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[2]").withIdempotencyKey("same"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("other"), NOW));
		List<Stored> same = List.of(results.get(0).get(10, TimeUnit.SECONDS), results.get(1).get(10, TimeUnit.SECONDS));
		assertThat(same).filteredOn(Stored::created).hasSize(1);
		assertThat(same).extracting((s) -> s.entry().id()).containsOnly(same.get(0).entry().id());
		assertThat(results.get(2).get(10, TimeUnit.SECONDS).created()).isTrue();
		assertThat(this.store.countByStatus()).containsEntry(CompensationStatus.PENDING, 2L);
	}

	@Test
	void aRowThatFailsFailsOnlyItsCaller() throws Exception {
		String tooLong = "[\"" + "x".repeat(1_000_000) + "\"]"; // arguments is VARCHAR(1000000)
		List<CompletableFuture<Stored>> results = inOneBatch(
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("a"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", tooLong).withIdempotencyKey("b"), NOW),
				() -> this.store.enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("c"), NOW));
		assertThat(results.get(0).get(10, TimeUnit.SECONDS).created()).isTrue();
		assertThat(results.get(2).get(10, TimeUnit.SECONDS).created()).isTrue();
		assertThat(results.get(1)).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(DataAccessException.class);
		assertThat(this.store.list(null, 0, 10)).extracting(CompensationEntry::idempotencyKey)
			.containsExactlyInAnyOrder("a", "c");
	}

	@Test
	void manyConcurrentCallersAreAllStoredWithIncreasingSequencesPerCaller() throws Exception {
		int threads = 4;
		int perThread = 200;
		List<CompletableFuture<List<Long>>> sequences = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			sequences.add(CompletableFuture.supplyAsync(() -> {
				List<Long> mine = new ArrayList<>();
				for (int i = 0; i < perThread; i++) {
					mine.add(this.store
						.enqueue(CompensationRequest.of("t#m()", "[" + i + "]").withOrderingKey("key-" + thread), NOW)
						.entry()
						.sequence());
				}
				return mine;
			}, this.callers));
		}
		for (CompletableFuture<List<Long>> future : sequences) {
			assertThat(future.get(60, TimeUnit.SECONDS)).isSorted().doesNotHaveDuplicates();
		}
		assertThat(this.store.countByStatus()).containsEntry(CompensationStatus.PENDING, (long) threads * perThread);
		long commits = this.groupCommit.commits();
		assertThat(commits).isLessThanOrEqualTo((long) threads * perThread);
		System.out.printf("group commit: %d enqueues from %d threads in %d commits%n", threads * perThread, threads,
				commits);
		// per-key order: the claim hands out the first entry of each caller's key
		assertThat(this.store.claim("o", NOW, Duration.ofMinutes(1), 100)).hasSize(threads)
			.allSatisfy((e) -> assertThat(e.arguments()).isEqualTo("[0]"));
	}

	@Test
	void enqueueAfterCloseFails() {
		this.store.close();
		assertThatException()
			.isThrownBy(() -> this.store.enqueue(CompensationRequest.of("t#m()", "[1]"), NOW))
			.withMessageContaining("closed");
	}

	/** Holds the write lock until every call is queued, so that all of them are written in one commit. */
	@SafeVarargs
	private List<CompletableFuture<Stored>> inOneBatch(Supplier<Stored>... calls) throws InterruptedException {
		List<CompletableFuture<Stored>> results = new ArrayList<>();
		long commitsBefore = this.groupCommit.commits();
		this.groupCommit.hold();
		try {
			for (Supplier<Stored> call : calls) {
				results.add(CompletableFuture.supplyAsync(call, this.callers));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.groupCommit.queued() < calls.length) {
				assertThat(System.nanoTime()).as("callers queued").isLessThan(deadline);
				Thread.sleep(5);
			}
		}
		finally {
			this.groupCommit.release();
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).handle((r, ex) -> null).join();
		assertThat(this.groupCommit.commits() - commitsBefore).as("commits").isEqualTo(1);
		return results;
	}

}
