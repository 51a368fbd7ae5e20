package dev.safemap.compensation.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;
import org.jspecify.annotations.Nullable;

/**
 * The embedded store ({@link JdbcCompensationStore#embedded}) opened when it is first needed: an application that
 * never defers a write gets no directory and no file. Until it is opened the store has no entries (its database
 * file does not exist, and only this process could have written one), so reads answer "nothing" without touching
 * the disk; the first {@link #enqueue} (or {@link #open()}) creates the database and every call is delegated from
 * then on. A directory that already holds a database is opened by whoever creates this store (it may hold entries
 * to replay): see {@link #exists()}.
 * <p>
 * Thread-safety: thread-safe; the store is opened once.
 *
 * @since 0.1.0
 */
public final class LazyEmbeddedCompensationStore implements CompensationStore, AutoCloseable {

	/** The database file {@link JdbcCompensationStore#embedded} writes ({@code compensation} + H2's suffix). */
	private static final String DATABASE_FILE = "compensation.mv.db";

	private final Path directory;

	private final String table;

	private volatile @Nullable JdbcCompensationStore store;

	private boolean closed;

	/**
	 * Creates a store that opens {@code directory} when first needed.
	 * @param directory the directory of the embedded database
	 * @param table the table name
	 * @throws IllegalArgumentException if the table name is not a plain identifier
	 */
	public LazyEmbeddedCompensationStore(Path directory, String table) {
		this.directory = Objects.requireNonNull(directory, "directory must not be null");
		this.table = JdbcCompensationStore.checkTableName(table);
	}

	/**
	 * Returns whether the directory already holds a database (written by an earlier run), which may hold entries to
	 * replay: such a store should be opened at startup.
	 * @return whether the database file exists
	 */
	public boolean exists() {
		return Files.exists(this.directory.resolve(DATABASE_FILE));
	}

	/**
	 * Returns whether the database was opened.
	 * @return whether it is open
	 */
	public boolean isOpen() {
		return this.store != null;
	}

	/**
	 * Opens the database (creating the directory and the file if missing), once.
	 * @return the opened store
	 * @throws IllegalArgumentException if the directory cannot be created or the database cannot be opened
	 * @throws IllegalStateException if this store was closed
	 */
	public JdbcCompensationStore open() {
		JdbcCompensationStore opened = this.store;
		if (opened != null) {
			return opened;
		}
		synchronized (this) {
			if (this.closed) {
				throw new IllegalStateException("the compensation store in " + this.directory + " is closed");
			}
			if (this.store == null) {
				this.store = JdbcCompensationStore.embedded(this.directory, this.table);
			}
			return this.store;
		}
	}

	/**
	 * Returns the directory of the embedded database.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	@Override
	public Stored enqueue(CompensationRequest request, Instant now) {
		return open().enqueue(request, now);
	}

	@Override
	public List<CompensationEntry> claim(String owner, Instant now, Duration lease, int limit) {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.claim(owner, now, lease, limit) : List.of();
	}

	@Override
	public boolean renew(String id, String owner, Instant now, Duration lease) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.renew(id, owner, now, lease);
	}

	@Override
	public boolean hasWaiting(String orderingKey) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.hasWaiting(orderingKey);
	}

	@Override
	public boolean markDone(String id, String owner, Instant now) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.markDone(id, owner, now);
	}

	@Override
	public boolean reschedule(String id, String owner, int attempts, Instant nextAttemptAt, @Nullable String lastError,
			Instant now) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.reschedule(id, owner, attempts, nextAttemptAt, lastError, now);
	}

	@Override
	public boolean markDead(String id, String owner, int attempts, String reason, Instant now) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.markDead(id, owner, attempts, reason, now);
	}

	@Override
	public Optional<CompensationEntry> find(String id) {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.find(id) : Optional.empty();
	}

	@Override
	public List<CompensationEntry> list(@Nullable CompensationStatus status, int offset, int limit) {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.list(status, offset, limit) : List.of();
	}

	@Override
	public Map<CompensationStatus, Long> countByStatus() {
		JdbcCompensationStore opened = this.store;
		if (opened != null) {
			return opened.countByStatus();
		}
		Map<CompensationStatus, Long> counts = new EnumMap<>(CompensationStatus.class);
		for (CompensationStatus status : CompensationStatus.values()) {
			counts.put(status, 0L);
		}
		return counts;
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.oldestPendingCreatedAt() : Optional.empty();
	}

	@Override
	public boolean resubmit(String id, Instant now) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.resubmit(id, now);
	}

	@Override
	public int resubmitAllDead(Instant now) {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.resubmitAllDead(now) : 0;
	}

	@Override
	public boolean discard(String id) {
		JdbcCompensationStore opened = this.store;
		return opened != null && opened.discard(id);
	}

	@Override
	public int purgeDone(Instant before) {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.purgeDone(before) : 0;
	}

	@Override
	public void close() {
		JdbcCompensationStore opened;
		synchronized (this) {
			this.closed = true;
			opened = this.store;
		}
		if (opened != null) {
			opened.close();
		}
	}

	@Override
	public String toString() {
		JdbcCompensationStore opened = this.store;
		return (opened != null) ? opened.toString() : "LazyEmbeddedCompensationStore[" + this.directory + ", not opened]";
	}

}
