package dev.safemap.compensation.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

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
	void aRowWhoseFailureRollsBackTheTransactionFailsEveryCallerOfTheBatch() throws Exception {
		// H2 answers a deadlock (SQLState 40001) by rolling back the whole transaction, not just the statement: the
		// rows written before it in the batch are gone, so none of their callers may be told they were stored
		GroupCommitEnqueuer deadlocking = new GroupCommitEnqueuer(deadlockOn("victim", this.store.getDataSource()),
				JdbcCompensationStore.DEFAULT_TABLE, (rs) -> {
					throw new IllegalStateException("no duplicate expected");
				}, null);
		try {
			List<CompletableFuture<Stored>> results = inOneBatch(deadlocking,
					() -> deadlocking.enqueue(CompensationRequest.of("t#m()", "[1]").withIdempotencyKey("a"), "{}", NOW),
					() -> deadlocking.enqueue(CompensationRequest.of("t#m()", "[2]").withIdempotencyKey("victim"), "{}",
							NOW),
					() -> deadlocking.enqueue(CompensationRequest.of("t#m()", "[3]").withIdempotencyKey("c"), "{}", NOW));
			for (CompletableFuture<Stored> result : results) {
				assertThat(result).failsWithin(Duration.ofSeconds(10))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(DataAccessException.class);
			}
			assertThat(this.store.list(null, 0, 10)).as("stored").isEmpty();

			// the next batch starts afresh and is stored
			Stored next = deadlocking.enqueue(CompensationRequest.of("t#m()", "[4]").withIdempotencyKey("d"), "{}", NOW);
			assertThat(this.store.find(next.entry().id())).isPresent();
		}
		finally {
			deadlocking.close();
		}
	}

	@Test
	void everyCallerThatReturnedWasStoredWhenARowOfItsBatchRollsBackTheTransaction() throws Exception {
		GroupCommitEnqueuer deadlocking = new GroupCommitEnqueuer(deadlockOn("victim", this.store.getDataSource()),
				JdbcCompensationStore.DEFAULT_TABLE, (rs) -> {
					throw new IllegalStateException("no duplicate expected");
				}, null);
		List<CompletableFuture<Stored>> results = new ArrayList<>();
		try {
			for (int i = 0; i < 200; i++) {
				String key = (i % 17 == 5) ? "victim" : "k-" + i;
				results.add(CompletableFuture.supplyAsync(
						() -> deadlocking.enqueue(CompensationRequest.of("t#m()", "[]").withIdempotencyKey(key), "{}",
								NOW),
						this.callers));
			}
			CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).handle((r, ex) -> null)
				.get(60, TimeUnit.SECONDS);
		}
		finally {
			deadlocking.close();
		}
		int returned = 0;
		for (CompletableFuture<Stored> result : results) {
			if (!result.isCompletedExceptionally()) {
				returned++;
				assertThat(this.store.find(result.join().entry().id())).as("acknowledged and stored").isPresent();
			}
		}
		assertThat(returned).as("some enqueues returned").isPositive();
	}

	/**
	 * A DataSource whose insert of the given idempotency key fails as an H2 deadlock does: the whole transaction is
	 * rolled back, then SQLState 40001 is thrown.
	 */
	private static DataSource deadlockOn(String victim, DataSource real) {
		return (DataSource) Proxy.newProxyInstance(GroupCommitEnqueuerTests.class.getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					Object result = invoke(method, real, args);
					return (result instanceof Connection connection) ? deadlocking(victim, connection) : result;
				});
	}

	private static Connection deadlocking(String victim, Connection real) {
		return (Connection) Proxy.newProxyInstance(GroupCommitEnqueuerTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					Object result = invoke(method, real, args);
					if (result instanceof PreparedStatement statement && method.getName().equals("prepareStatement")
							&& ((String) args[0]).startsWith("INSERT")) {
						return insertFailingOn(victim, statement, real);
					}
					return result;
				});
	}

	private static PreparedStatement insertFailingOn(String victim, PreparedStatement real, Connection connection) {
		Map<Integer, Object> parameters = new ConcurrentHashMap<>();
		return (PreparedStatement) Proxy.newProxyInstance(GroupCommitEnqueuerTests.class.getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
					if (method.getName().equals("setString")) {
						parameters.put((Integer) args[0], args[1]);
					}
					if (method.getName().equals("executeUpdate") && victim.equals(parameters.get(4))) {
						connection.rollback();
						throw new SQLTransactionRollbackException("Deadlock detected. The current transaction was "
								+ "rolled back.", "40001", 40001);
					}
					return invoke(method, real, args);
				});
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
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
		long commitsBefore = this.groupCommit.commits();
		List<CompletableFuture<Stored>> results = inOneBatch(this.groupCommit, calls);
		assertThat(this.groupCommit.commits() - commitsBefore).as("commits").isEqualTo(1);
		return results;
	}

	/** Holds the write lock of the given enqueuer until every call is queued: the calls form one batch. */
	@SafeVarargs
	private List<CompletableFuture<Stored>> inOneBatch(GroupCommitEnqueuer groupCommit, Supplier<Stored>... calls)
			throws InterruptedException {
		List<CompletableFuture<Stored>> results = new ArrayList<>();
		groupCommit.hold();
		try {
			for (Supplier<Stored> call : calls) {
				results.add(CompletableFuture.supplyAsync(call, this.callers));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (groupCommit.queued() < calls.length) {
				assertThat(System.nanoTime()).as("callers queued").isLessThan(deadline);
				Thread.sleep(5);
			}
		}
		finally {
			groupCommit.release();
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).handle((r, ex) -> null).join();
		return results;
	}

}
