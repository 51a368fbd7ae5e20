package dev.safemap.compensation.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore.Stored;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Group commit for the embedded (H2) store's enqueue. A caller queues its row and tries the write lock; the caller
 * holding it (the leader) inserts every queued row, its own and those of the callers parked meanwhile, in one
 * transaction on one dedicated connection, commits once, and unparks the callers of the batch all at once (they
 * do not queue on the lock one after the other). On leaving, the leader unparks the oldest caller still queued,
 * which leads the next batch. Each caller returns only once the commit that holds
 * its row has succeeded, so an enqueue that returned is as durable as before (with {@code WRITE_DELAY=0} the
 * commit is written to the file before {@code commit()} returns); a single caller is its own leader and pays one
 * commit, as without batching. Under concurrency one commit (the expensive part: H2 serializes every changed
 * page of the table and its three indexes) is shared by all the rows that queued up during the previous one.
 * Every {@value #HOUSEKEEPING_EVERY} commits the leader runs the store's housekeeping (the embedded store
 * compacts its file) after waking the callers of its batch.
 * <p>
 * A row that fails on its own (a duplicate idempotency key is not a failure: the waiting entry is returned; a
 * value too long is) fails only its caller: H2 rolls back the failed statement and the transaction goes on. A
 * failure that rolls back the whole transaction (SQLState class 40, such as H2's deadlock 40001, or a lost
 * connection, class 08) and a failed commit fail every caller of the batch, none of whose rows is then stored: no
 * caller is told its row was stored unless the commit that holds it succeeded.
 * <p>
 * Rows are inserted in queue order and batches are written one after the other, so an enqueue that starts after
 * another returned gets a higher sequence (per-key order). Relies on H2's statement-level rollback: not for
 * databases that abort the whole transaction on an error (PostgreSQL).
 * <p>
 * Thread-safety: thread-safe.
 */
final class GroupCommitEnqueuer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitEnqueuer.class);

	/** Most rows written in one transaction. */
	static final int MAX_BATCH = 256;

	/** Commits between two runs of the housekeeping (file compaction). */
	static final int HOUSEKEEPING_EVERY = 200;

	private static final String UNIQUE_VIOLATION = "23505";

	private final DataSource dataSource;

	private final String insertSql;

	private final String selectSql;

	private final ExistingReader reader;

	private final SQLExceptionTranslator translator;

	private final @Nullable Housekeeping housekeeping;

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	/** Held by the leader while it writes a batch. */
	private final ReentrantLock writeLock = new ReentrantLock();

	// guarded by writeLock
	private @Nullable Connection connection;

	private @Nullable PreparedStatement insert;

	private @Nullable PreparedStatement select;

	private boolean closed;

	private long commits;

	GroupCommitEnqueuer(DataSource dataSource, String table, ExistingReader reader,
			@Nullable Housekeeping housekeeping) {
		this.dataSource = dataSource;
		this.insertSql = "INSERT INTO " + table + " (id, target, arguments, idempotency_key, pending_key,"
				+ " ordering_key, context, status, attempts, next_attempt_at, created_at, updated_at)"
				+ " VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)";
		this.selectSql = "SELECT * FROM " + table + " WHERE target = ? AND pending_key = ?";
		this.reader = reader;
		this.translator = new SQLExceptionSubclassTranslator();
		this.housekeeping = housekeeping;
	}

	/**
	 * Stores a request, or returns the entry waiting under its idempotency key; returns once the row is committed.
	 * @param request the request
	 * @param context the request context as JSON
	 * @param now the current time
	 * @return the stored entry
	 * @throws DataAccessException if the row or its batch's commit failed
	 */
	Stored enqueue(CompensationRequest request, String context, Instant now) {
		Pending pending = new Pending(request, context, now, Thread.currentThread());
		this.queue.add(pending);
		boolean interrupted = false;
		while (!pending.settled) {
			if (this.writeLock.tryLock()) {
				try {
					// the queue is FIFO: at most a few batches of rows queued before ours are written first
					while (!pending.settled) {
						writeBatch();
					}
				}
				finally {
					unlock();
				}
			}
			else {
				// the leader unparks us when our row is settled, or when we are first in line for the next batch
				LockSupport.park(this);
				if (Thread.interrupted()) {
					// the row may be in the batch being written: wait for its outcome, keep the interrupt
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		RuntimeException failure = pending.failure;
		if (failure != null) {
			throw failure;
		}
		Stored result = pending.result;
		if (result == null) {
			throw new IllegalStateException("enqueue of '" + request.idempotencyKey() + "' settled without a result");
		}
		return result;
	}

	/**
	 * Releases the write lock and wakes the oldest caller still queued (rows queued during the last batch), which
	 * leads the next batch. Every release goes through here, so no queued caller stays parked.
	 */
	private void unlock() {
		this.writeLock.unlock();
		Pending next = this.queue.peek();
		if (next != null) {
			LockSupport.unpark(next.thread);
		}
	}

	/** Holds the write lock, so that callers queue up (tests). */
	void hold() {
		this.writeLock.lock();
	}

	/** Releases {@link #hold()} (tests). */
	void release() {
		unlock();
	}

	/** Number of commits so far (tests). */
	long commits() {
		this.writeLock.lock();
		try {
			return this.commits;
		}
		finally {
			unlock();
		}
	}

	/** Number of rows queued and not written yet (tests). */
	int queued() {
		return this.queue.size();
	}

	private void writeBatch() {
		List<Pending> batch = new ArrayList<>();
		Pending next;
		while (batch.size() < MAX_BATCH && (next = this.queue.poll()) != null) {
			batch.add(next);
		}
		if (batch.isEmpty()) {
			return;
		}
		Throwable failure = null;
		try {
			if (this.closed) {
				throw new IllegalStateException("the compensation store is closed");
			}
			Connection connection = connection();
			for (Pending pending : batch) {
				try {
					pending.result = insert(pending);
				}
				catch (SQLException ex) {
					if (rollsBackTheTransaction(ex)) {
						// the rows written before it in this batch are gone too: every caller of the batch fails
						throw ex;
					}
					// H2 rolled back this statement only; the rest of the batch goes on
					pending.failure = translate(ex);
				}
				catch (RuntimeException ex) {
					pending.failure = ex;
				}
			}
			connection.commit();
			this.commits++;
		}
		catch (Throwable ex) { // NOPMD: every caller of the batch must be settled, even on an Error
			failure = ex;
			discardConnection();
		}
		finally {
			RuntimeException shared = (failure == null) ? null
					: (failure instanceof SQLException sql) ? translate(sql)
							: (failure instanceof RuntimeException runtime) ? runtime
									: new IllegalStateException("enqueue failed: " + failure, failure);
			Thread self = Thread.currentThread();
			for (Pending pending : batch) {
				if (shared != null && pending.failure == null) {
					pending.result = null;
					pending.failure = shared;
				}
				pending.settled = true; // publishes result and failure
				if (pending.thread != self) {
					LockSupport.unpark(pending.thread);
				}
			}
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure == null && this.commits % HOUSEKEEPING_EVERY == 0) {
			houseKeep();
		}
	}

	/**
	 * Runs the housekeeping on the dedicated connection, after the batch's callers were woken: it delays only this
	 * leader and the next batch, never an acknowledgement. A failure is logged and otherwise ignored.
	 */
	private void houseKeep() {
		Housekeeping housekeeping = this.housekeeping;
		Connection connection = this.connection;
		if (housekeeping == null || connection == null) {
			return;
		}
		try {
			housekeeping.run(connection);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Compensation store housekeeping failed", ex);
		}
	}

	private Stored insert(Pending pending) throws SQLException {
		CompensationRequest request = pending.request;
		PreparedStatement insert = this.insert;
		PreparedStatement select = this.select;
		if (insert == null || select == null) {
			throw new IllegalStateException("no connection");
		}
		long millis = pending.now.toEpochMilli();
		for (int attempt = 0; attempt < 3; attempt++) {
			String id = UUID.randomUUID().toString();
			insert.setString(1, id);
			insert.setString(2, request.target());
			insert.setString(3, request.arguments());
			insert.setString(4, request.idempotencyKey());
			insert.setString(5, request.idempotencyKey());
			insert.setString(6, request.orderingKey());
			insert.setString(7, pending.context);
			insert.setLong(8, millis);
			insert.setLong(9, millis);
			insert.setLong(10, millis);
			try {
				insert.executeUpdate();
			}
			catch (SQLException ex) {
				if (!UNIQUE_VIOLATION.equals(ex.getSQLState())) {
					throw ex;
				}
				// same key waiting (also one queued earlier in this batch: visible to this transaction)
				select.setString(1, request.target());
				select.setString(2, request.idempotencyKey());
				try (ResultSet rs = select.executeQuery()) {
					if (rs.next()) {
						return new Stored(this.reader.read(rs), false);
					}
				}
				// finished between the insert and the select, or an id collision: insert again
				continue;
			}
			long seq = -1L;
			try (ResultSet keys = insert.getGeneratedKeys()) {
				if (keys.next()) {
					seq = keys.getLong(1);
				}
			}
			return new Stored(new CompensationEntry(id, seq, request.target(), request.arguments(),
					request.idempotencyKey(), request.orderingKey(), request.context(), CompensationStatus.PENDING, 0,
					pending.now, null, pending.now, null, null), true);
		}
		throw new IllegalStateException("could not enqueue idempotency key '" + request.idempotencyKey()
				+ "': it keeps changing state concurrently");
	}

	private Connection connection() throws SQLException {
		Connection connection = this.connection;
		if (connection == null) {
			connection = this.dataSource.getConnection();
			try {
				connection.setAutoCommit(false);
				this.insert = connection.prepareStatement(this.insertSql, new String[] { "seq" });
				this.select = connection.prepareStatement(this.selectSql);
			}
			catch (SQLException | RuntimeException ex) {
				this.connection = connection;
				discardConnection();
				throw ex;
			}
			this.connection = connection;
		}
		return connection;
	}

	private void discardConnection() {
		Connection connection = this.connection;
		this.connection = null;
		this.insert = null;
		this.select = null;
		if (connection != null) {
			try {
				connection.rollback();
				connection.setAutoCommit(true);
			}
			catch (SQLException | RuntimeException ex) {
				// broken anyway
			}
			try {
				connection.close(); // closes its statements
			}
			catch (SQLException | RuntimeException ex) {
				// broken anyway
			}
		}
	}

	/**
	 * Whether a failed statement ended the whole transaction rather than just itself: SQLState class 40
	 * (transaction rollback: H2's deadlock and serialization failures, PostgreSQL's 40001 and 40P01) or 08 (the
	 * connection is gone), including such a cause wrapped in another exception.
	 */
	static boolean rollsBackTheTransaction(SQLException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLTransactionRollbackException) {
				return true;
			}
			if (cause instanceof SQLException sql) {
				String state = sql.getSQLState();
				if (state != null && (state.startsWith("40") || state.startsWith("08"))) {
					return true;
				}
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private DataAccessException translate(SQLException ex) {
		DataAccessException translated = this.translator.translate("enqueue", this.insertSql, ex);
		return (translated != null) ? translated : new UncategorizedSQLException("enqueue", this.insertSql, ex);
	}

	/** Closes the dedicated connection; later enqueues fail. Waits for a batch being written. */
	@Override
	public void close() {
		this.writeLock.lock();
		try {
			this.closed = true;
			discardConnection();
		}
		finally {
			unlock();
		}
	}

	/** Work done every {@value #HOUSEKEEPING_EVERY} commits on the dedicated connection (file compaction). */
	@FunctionalInterface
	interface Housekeeping {

		/**
		 * Runs between two batches, on the dedicated connection, outside a transaction.
		 * @param connection the connection
		 * @throws SQLException on a database error (logged, ignored)
		 */
		void run(Connection connection) throws SQLException;

	}

	/** Reads the waiting entry found under a duplicate idempotency key. */
	@FunctionalInterface
	interface ExistingReader {

		CompensationEntry read(ResultSet rs) throws SQLException;

	}

	/**
	 * One caller's row. The leader writes {@code result} and {@code failure}, then sets {@code settled} (volatile),
	 * which publishes them to the caller.
	 */
	private static final class Pending {

		final CompensationRequest request;

		final String context;

		final Instant now;

		final Thread thread;

		@Nullable Stored result;

		@Nullable RuntimeException failure;

		volatile boolean settled;

		Pending(CompensationRequest request, String context, Instant now, Thread thread) {
			this.request = request;
			this.context = context;
			this.now = now;
			this.thread = thread;
		}

	}

}
