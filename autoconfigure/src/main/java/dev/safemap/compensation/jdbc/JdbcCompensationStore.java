package dev.safemap.compensation.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.FailureDescription;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Durable {@link CompensationStore} on a relational database through Spring's {@link JdbcClient}: an embedded
 * H2 database in file mode (the default, one process) or the application's {@link DataSource}. On PostgreSQL,
 * several instances share the queue: a claim is a single {@code UPDATE ... WHERE seq IN (SELECT ... FOR UPDATE
 * SKIP LOCKED) RETURNING *} that takes a lease, so no entry is held by two instances at once, and the entries
 * of a crashed instance are claimable again once their lease expires. Other databases claim each row with a
 * conditional update (optimistic), which gives the same exclusivity.
 * <p>
 * The embedded store commits concurrent enqueues together (group commit): the rows queued while one commit is
 * written share the next one, and every caller returns only once the commit holding its row succeeded.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcCompensationStore implements CompensationStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JdbcCompensationStore.class);

	/** Default table name, as in the shipped {@code schema-*.sql}. */
	public static final String DEFAULT_TABLE = "safemap_compensation";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}(\\.[A-Za-z_][A-Za-z0-9_]{0,39})?");

	private static final TypeReference<Map<String, String>> CONTEXT_TYPE = new TypeReference<>() {
	};

	private static final String DUE = "((e.status = 'PENDING' AND e.next_attempt_at <= :now)"
			+ " OR (e.status = 'IN_PROGRESS' AND e.lease_expires_at <= :now))";

	/**
	 * Heads of the ordering keys (oldest open entry per key), computed once per claim: a correlated
	 * "no older open entry" check degrades to a quadratic plan when table statistics are stale.
	 */
	private static final String HEADS = "SELECT MIN(o.seq) FROM %1$s o WHERE o.status IN ('PENDING', 'IN_PROGRESS')"
			+ " GROUP BY o.ordering_key";

	/** PostgreSQL: due heads, materialized once, at most :limit of them. */
	private static final String DUE_HEADS_POSTGRESQL = "WITH heads AS MATERIALIZED (SELECT DISTINCT ON (ordering_key)"
			+ " seq, status, next_attempt_at, lease_expires_at FROM %1$s WHERE status IN ('PENDING', 'IN_PROGRESS')"
			+ " ORDER BY ordering_key, seq) SELECT h.seq FROM heads h WHERE ((h.status = 'PENDING'"
			+ " AND h.next_attempt_at <= :now) OR (h.status = 'IN_PROGRESS' AND h.lease_expires_at <= :now))"
			+ " ORDER BY h.seq LIMIT :limit";

	/** A takeover of an expired lease counts one attempt (assignments run on the old row values). */
	private static final String TAKEOVER_COUNTS = "attempts = attempts + CASE WHEN status = 'IN_PROGRESS' THEN 1 ELSE 0"
			+ " END, ";

	private final JdbcClient jdbc;

	/** Local transactions on the store's data source (joins a caller's transaction on the same data source). */
	private final TransactionTemplate transactions;

	private final DataSource dataSource;

	private final String table;

	private final Dialect dialect;

	private final JsonMapper json;

	private final @Nullable AutoCloseable owned;

	/** PostgreSQL's clock in milliseconds, stable within a statement. */
	private static final String DATABASE_NOW = "CAST(EXTRACT(EPOCH FROM statement_timestamp()) * 1000 AS BIGINT)";

	/** Whether times are read from PostgreSQL's clock instead of the callers' (see {@link #useDatabaseClock()}). */
	private volatile boolean databaseClock;

	/** Group commit of enqueues: the embedded H2 store only (it relies on H2's statement-level rollback). */
	private final @Nullable GroupCommitEnqueuer groupCommit;

	private JdbcCompensationStore(DataSource dataSource, String table, Dialect dialect, JsonMapper json,
			@Nullable AutoCloseable owned, GroupCommitEnqueuer.@Nullable Housekeeping housekeeping) {
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.table = table;
		this.dialect = dialect;
		this.json = json;
		this.owned = owned;
		this.groupCommit = (owned != null)
				? new GroupCommitEnqueuer(dataSource, table, (rs) -> mapRow(rs, 0).entry(), housekeeping) : null;
	}

	/**
	 * Creates a store on an existing data source (not closed by the store). Connects once to detect the database.
	 * @param dataSource the data source
	 * @param table the table name, optionally schema-qualified (letters, digits, underscores)
	 * @return the store (call {@link #initializeSchema()} unless the table is managed by migrations)
	 * @throws IllegalArgumentException if the table name is not a plain identifier
	 * @throws IllegalStateException if the database cannot be reached
	 */
	public static JdbcCompensationStore create(DataSource dataSource, String table) {
		Objects.requireNonNull(dataSource, "dataSource must not be null");
		return new JdbcCompensationStore(dataSource, checkTableName(table), detect(dataSource), JsonMapper.shared(), null,
				null);
	}

	/**
	 * Creates a store in an embedded H2 database in file mode under {@code directory} (created if missing), with a
	 * small connection pool closed by {@link #close()}. Only one process may open the directory at a time.
	 * @param directory the directory
	 * @param table the table name
	 * @return the store, schema initialized
	 * @throws IllegalArgumentException if the directory cannot be created or is not writable
	 */
	public static JdbcCompensationStore embedded(Path directory, String table) {
		Objects.requireNonNull(directory, "directory must not be null");
		Path dir = directory.toAbsolutePath().normalize();
		if (dir.toString().indexOf(';') >= 0) {
			// the path goes into the H2 URL, where ';' starts a setting (INIT=... runs SQL)
			throw new IllegalArgumentException("directory must not contain ';', but was '" + dir + "'");
		}
		try {
			Files.createDirectories(dir);
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("cannot create directory " + dir + ": " + ex, ex);
		}
		if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
			throw new IllegalArgumentException("directory " + dir + " is not a writable directory");
		}
		// WRITE_DELAY=0: each commit is written to the file (the OS page cache) before enqueue returns, so a killed
		// process loses nothing. FILE_LOCK=FS: an OS file lock, released by the OS when the process dies.
		// RETENTION_TIME=0: old chunks are reused at once; H2 documents this as unsafe only when the OS or disk
		// fails to flush its write buffers (power loss), which the embedded store does not promise to survive anyway.
		// Together they make a durable enqueue several times faster than H2's defaults with WRITE_DELAY=0.
		// PAGE_SIZE=8192: B-tree pages split at 8 KB instead of 16 KB; a commit rewrites the changed leaf of the table
		// and of each index whole, so smaller pages write fewer bytes per commit (a split threshold only: files
		// written with another page size open unchanged).
		String url = "jdbc:h2:file:" + dir.resolve("compensation")
				+ ";WRITE_DELAY=0;FILE_LOCK=FS;RETENTION_TIME=0;PAGE_SIZE=8192;DB_CLOSE_ON_EXIT=FALSE";
		// H2 types stay in EmbeddedH2, so this class loads without H2 on the class path
		EmbeddedH2 pool = EmbeddedH2.open(url);
		try {
			JdbcCompensationStore store = new JdbcCompensationStore(pool.dataSource(), checkTableName(table),
					Dialect.GENERIC, JsonMapper.shared(), pool, pool::compact);
			store.initializeSchema();
			store.dropObsoleteIndexes();
			return store;
		}
		catch (RuntimeException ex) {
			pool.close();
			throw new IllegalArgumentException("cannot open the compensation store in " + dir + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Returns whether a table name is accepted: an identifier of letters, digits and underscores (up to 40),
	 * optionally qualified by a schema.
	 * @param table the name
	 * @return whether it is accepted
	 */
	public static boolean isValidTableName(String table) {
		return TABLE_NAME.matcher(table).matches();
	}

	/**
	 * Checks a table name: an identifier of letters, digits and underscores (up to 40), optionally qualified by a
	 * schema.
	 * @param table the name
	 * @return the name
	 * @throws IllegalArgumentException if the name is null or not such an identifier
	 */
	public static String checkTableName(@Nullable String table) {
		if (table == null || !TABLE_NAME.matcher(table).matches()) {
			throw new IllegalArgumentException(
					"table must be an identifier (letters, digits, underscores, up to 40), but was '" + table + "'");
		}
		return table;
	}

	/**
	 * Returns whether a data source is an in-memory database (H2 {@code mem:}, HSQLDB {@code mem:}, Derby
	 * {@code memory:}), which would lose the queue on restart.
	 * @param dataSource the data source
	 * @return whether its URL names an in-memory database
	 * @throws IllegalStateException if the database cannot be reached
	 */
	public static boolean isInMemory(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			String url = String.valueOf(connection.getMetaData().getURL()).toLowerCase(Locale.ROOT);
			return url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:hsqldb:mem:")
					|| url.startsWith("jdbc:derby:memory:");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot connect to the compensation store's DataSource: " + ex.getMessage(),
					ex);
		}
	}

	private static Dialect detect(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName();
			return product.toLowerCase(Locale.ROOT).contains("postgres") ? Dialect.POSTGRESQL : Dialect.GENERIC;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot connect to the compensation store's DataSource: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Creates the table and its indexes if they do not exist, from the shipped
	 * {@code dev/safemap/compensation/schema-h2.sql} or {@code schema-postgresql.sql}.
	 */
	public void initializeSchema() {
		String resource = (this.dialect == Dialect.POSTGRESQL) ? "schema-postgresql.sql" : "schema-h2.sql";
		String script;
		try (InputStream in = JdbcCompensationStore.class
			.getResourceAsStream("/dev/safemap/compensation/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("missing resource dev/safemap/compensation/" + resource);
			}
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + resource, ex);
		}
		StringBuilder sql = new StringBuilder();
		for (String line : script.split("\n")) {
			if (!line.strip().startsWith("--")) {
				sql.append(line).append('\n');
			}
		}
		String name = this.table;
		String indexPrefix = name.replace('.', '_');
		for (String statement : sql.toString().split(";")) {
			if (statement.isBlank()) {
				continue;
			}
			// table names may be schema-qualified; constraint and index names may not
			String text = statement.replace("CREATE TABLE IF NOT EXISTS safemap_compensation",
					"CREATE TABLE IF NOT EXISTS " + name)
				.replace("ON safemap_compensation", "ON " + name)
				.replace("safemap_compensation", indexPrefix);
			this.jdbc.sql(text).update();
		}
		migrate();
	}

	/**
	 * Upgrades a table created by an earlier schema, keeping its entries: idempotency keys used to be unique across
	 * targets and dead entries kept theirs, so a call of another target, or one matching a dead entry, was dropped.
	 * The script above already created the per-target unique index; this drops the old constraint and frees the keys
	 * of dead entries. Idempotent, and cheap on a current table.
	 */
	private void migrate() {
		String indexPrefix = this.table.replace('.', '_');
		this.jdbc.sql("ALTER TABLE " + this.table + " DROP CONSTRAINT IF EXISTS " + indexPrefix + "_pending_key_uk")
			.update();
		this.jdbc.sql("UPDATE " + this.table + " SET pending_key = NULL WHERE status = 'DEAD' AND pending_key IS NOT NULL")
			.update();
	}

	/**
	 * Drops the indexes an embedded database created by an earlier 0.x schema has and the current one no longer
	 * creates (the H2 schema's {@code (ordering_key, seq)} index, which H2 never used): every index is rewritten on
	 * each commit.
	 */
	private void dropObsoleteIndexes() {
		int dot = this.table.indexOf('.');
		String schema = (dot >= 0) ? this.table.substring(0, dot + 1) : "";
		this.jdbc.sql("DROP INDEX IF EXISTS " + schema + this.table.replace('.', '_') + "_key_idx").update();
	}

	/**
	 * On PostgreSQL, takes every time this store writes or compares (due times, lease expiries, enqueue and update
	 * times) from the database's clock instead of the {@code now} the callers pass: instances whose clocks differ
	 * then agree on when an entry is due and when a lease has expired. A time a caller passes relative to its
	 * {@code now} (a lease, a next attempt) keeps its distance from the database's now. No effect on other databases.
	 * Call it before the store is used.
	 * @return this store
	 */
	public JdbcCompensationStore useDatabaseClock() {
		this.databaseClock = this.dialect == Dialect.POSTGRESQL;
		return this;
	}

	/**
	 * Returns whether times come from the database's clock.
	 * @return whether {@link #useDatabaseClock()} applies
	 */
	public boolean isDatabaseClock() {
		return this.databaseClock;
	}

	/**
	 * Rewrites a statement for the database clock: {@code :now} becomes the database's now, {@code :expires} and
	 * {@code :next} the database's now plus {@code :leaseMillis} and {@code :delayMillis}.
	 */
	private String timed(String sql) {
		if (!this.databaseClock) {
			return sql;
		}
		return sql.replace(":now", DATABASE_NOW)
			.replace(":expires", "(" + DATABASE_NOW + " + :leaseMillis)")
			.replace(":next", "(" + DATABASE_NOW + " + :delayMillis)");
	}

	/**
	 * Drops the table (tests and tooling).
	 */
	public void dropSchema() {
		this.jdbc.sql("DROP TABLE IF EXISTS " + this.table).update();
	}

	/**
	 * Returns whether this store uses the PostgreSQL claim ({@code FOR UPDATE SKIP LOCKED}).
	 * @return whether the PostgreSQL dialect was detected
	 */
	public boolean isPostgreSql() {
		return this.dialect == Dialect.POSTGRESQL;
	}

	@Override
	public Stored enqueue(CompensationRequest request, Instant now) {
		Objects.requireNonNull(request, "request must not be null");
		String context = request.context().isEmpty() ? "{}" : this.json.writeValueAsString(request.context());
		GroupCommitEnqueuer groupCommit = this.groupCommit;
		if (groupCommit != null) {
			return groupCommit.enqueue(request, context, now);
		}
		// PostgreSQL: ON CONFLICT DO NOTHING, never a unique violation, which would abort the caller's transaction
		// (25P02) when the enqueue joins one; the insert then commits or rolls back with that transaction
		String onConflict = (this.dialect == Dialect.POSTGRESQL) ? " ON CONFLICT DO NOTHING" : "";
		for (int attempt = 0; attempt < 3; attempt++) {
			String id = UUID.randomUUID().toString();
			long millis = now.toEpochMilli();
			KeyHolder keys = new GeneratedKeyHolder();
			try {
				int inserted = this.jdbc.sql(timed("INSERT INTO " + this.table + " (id, target, arguments, idempotency_key,"
						+ " pending_key, ordering_key, context, status, attempts, next_attempt_at, created_at, updated_at)"
						+ " VALUES (:id, :target, :arguments, :key, :key, :orderingKey, :context, 'PENDING', 0,"
						+ " :now, :now, :now)" + onConflict))
					.param("id", id)
					.param("target", request.target())
					.param("arguments", request.arguments())
					.param("key", request.idempotencyKey())
					.param("orderingKey", request.orderingKey())
					.param("context", context)
					.param("now", millis)
					.update(keys, "seq");
				if (inserted == 1) {
					long seq = sequence(keys);
					return new Stored(new CompensationEntry(id, seq, request.target(), request.arguments(),
							request.idempotencyKey(), request.orderingKey(), request.context(),
							CompensationStatus.PENDING, 0, now, null, now, null, null), true);
				}
			}
			catch (DuplicateKeyException ex) {
				// not PostgreSQL: the failed statement is undone on its own, and the caller's transaction goes on
			}
			Optional<CompensationEntry> existing = this.jdbc
				.sql("SELECT * FROM " + this.table + " WHERE target = :target AND pending_key = :key")
				.param("target", request.target())
				.param("key", request.idempotencyKey())
				.query(this::mapRow)
				.optional()
				.map(Row::entry);
			if (existing.isPresent()) {
				return new Stored(existing.get(), false);
			}
			// it was done between the insert and the select (or an id collision): insert again
		}
		throw new IllegalStateException("could not enqueue for " + request.target() + " with idempotency key "
				+ KeyMasker.shared().mask(request.idempotencyKey()) + ": it keeps changing state concurrently, or the table has a"
				+ " unique constraint of an earlier schema (see schema-*.sql)");
	}

	private static long sequence(KeyHolder keys) {
		Map<String, Object> map = keys.getKeys();
		if (map != null) {
			for (Map.Entry<String, Object> entry : map.entrySet()) {
				if (entry.getKey().equalsIgnoreCase("seq") && entry.getValue() instanceof Number number) {
					return number.longValue();
				}
			}
		}
		Number key = keys.getKey();
		return (key != null) ? key.longValue() : -1L;
	}

	@Override
	public List<CompensationEntry> claim(String owner, Instant now, Duration lease, int limit) {
		long nowMillis = now.toEpochMilli();
		long expires = now.plus(lease).toEpochMilli();
		List<Row> rows;
		if (this.dialect == Dialect.POSTGRESQL) {
			// the due condition is repeated on e: PostgreSQL re-checks it on the newest row version after waiting
			// for a lock, so an entry another instance claimed or finished meanwhile is not taken
			rows = this.jdbc.sql(timed("UPDATE " + this.table + " SET " + TAKEOVER_COUNTS + "status = 'IN_PROGRESS',"
					+ " lease_owner = :owner, lease_expires_at = :expires, updated_at = :now WHERE seq IN (SELECT e.seq FROM "
					+ this.table + " e WHERE e.seq IN (" + String.format(DUE_HEADS_POSTGRESQL, this.table) + ") AND "
					+ DUE + " FOR UPDATE SKIP LOCKED) RETURNING *"))
				.param("owner", owner)
				.param("expires", expires)
				.param("leaseMillis", lease.toMillis())
				.param("now", nowMillis)
				.param("limit", limit)
				.query(this::mapRow)
				.list();
			rows = new ArrayList<>(rows);
			rows.sort(Comparator.comparingLong((Row row) -> row.entry().sequence()));
		}
		else {
			List<Row> candidates = this.jdbc
				.sql("SELECT * FROM " + this.table + " e WHERE e.seq IN (" + String.format(HEADS, this.table) + ") AND "
						+ DUE + " ORDER BY e.seq LIMIT :limit")
				.param("now", nowMillis)
				.param("limit", limit)
				.query(this::mapRow)
				.list();
			// the embedded store takes the whole claim in one transaction: one commit (a file write) instead of one per
			// entry; each update still re-checks that its row is due, so a row claimed or finished meanwhile is not taken
			rows = (this.groupCommit != null)
					? this.transactions.execute((status) -> claimCandidates(candidates, owner, nowMillis, expires))
					: claimCandidates(candidates, owner, nowMillis, expires);
		}
		List<CompensationEntry> claimed = new ArrayList<>(rows.size());
		for (Row row : rows) {
			if (row.corruption() != null) {
				// an unreadable row goes to dead letters instead of blocking its key
				markDead(row.entry().id(), owner, row.entry().attempts(), "unreadable entry: " + row.corruption(), now);
				logger.warn("Compensation entry {} is unreadable and moved to dead letters: {}", row.entry().id(),
						row.corruption());
			}
			else {
				claimed.add(row.entry());
			}
		}
		return claimed;
	}

	/** Takes each candidate whose row is still due (conditional updates; the other databases' claim). */
	private List<Row> claimCandidates(List<Row> candidates, String owner, long nowMillis, long expires) {
		List<Row> rows = new ArrayList<>(candidates.size());
		for (Row candidate : candidates) {
			int updated = this.jdbc.sql("UPDATE " + this.table + " SET " + TAKEOVER_COUNTS
					+ "status = 'IN_PROGRESS', lease_owner = :owner, lease_expires_at = :expires, updated_at = :now WHERE seq = :seq AND ((status = 'PENDING'"
					+ " AND next_attempt_at <= :now) OR (status = 'IN_PROGRESS' AND lease_expires_at <= :now))")
				.param("owner", owner)
				.param("expires", expires)
				.param("now", nowMillis)
				.param("seq", candidate.entry().sequence())
				.update();
			if (updated == 1) {
				CompensationEntry read = candidate.entry();
				if (read.status() == CompensationStatus.IN_PROGRESS) {
					read = read.with(CompensationStatus.IN_PROGRESS, read.attempts() + 1, read.nextAttemptAt(),
							read.lastError());
				}
				rows.add(new Row(read.claimedBy(owner, Instant.ofEpochMilli(expires)), candidate.corruption()));
			}
		}
		return rows;
	}

	@Override
	public boolean renew(String id, String owner, Instant now, Duration lease) {
		return this.jdbc.sql(timed("UPDATE " + this.table + " SET lease_expires_at = :expires, updated_at = :now"
				+ " WHERE id = :id AND status = 'IN_PROGRESS' AND lease_owner = :owner"))
			.param("expires", now.plus(lease).toEpochMilli())
			.param("leaseMillis", lease.toMillis())
			.param("now", now.toEpochMilli())
			.param("id", id)
			.param("owner", owner)
			.update() == 1;
	}

	@Override
	public boolean markDone(String id, String owner, Instant now) {
		return this.jdbc.sql(timed("UPDATE " + this.table + " SET status = 'DONE', pending_key = NULL, lease_owner = NULL,"
				+ " lease_expires_at = NULL, updated_at = :now WHERE id = :id AND status = 'IN_PROGRESS'"
				+ " AND lease_owner = :owner"))
			.param("now", now.toEpochMilli())
			.param("id", id)
			.param("owner", owner)
			.update() == 1;
	}

	@Override
	public boolean reschedule(String id, String owner, int attempts, Instant nextAttemptAt, @Nullable String lastError,
			Instant now) {
		return this.jdbc.sql(timed("UPDATE " + this.table + " SET status = 'PENDING', attempts = :attempts,"
				+ " next_attempt_at = :next, last_error = :error, lease_owner = NULL, lease_expires_at = NULL,"
				+ " updated_at = :now WHERE id = :id AND status = 'IN_PROGRESS' AND lease_owner = :owner"))
			.param("attempts", attempts)
			.param("next", nextAttemptAt.toEpochMilli())
			.param("delayMillis", Math.max(0, Duration.between(now, nextAttemptAt).toMillis()))
			.param("error", lastError)
			.param("now", now.toEpochMilli())
			.param("id", id)
			.param("owner", owner)
			.update() == 1;
	}

	@Override
	public boolean markDead(String id, String owner, int attempts, String reason, Instant now) {
		return this.jdbc.sql(timed("UPDATE " + this.table + " SET status = 'DEAD', attempts = :attempts,"
				+ " last_error = :error, pending_key = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = :now"
				+ " WHERE id = :id AND status = 'IN_PROGRESS' AND lease_owner = :owner"))
			.param("attempts", attempts)
			.param("error", reason)
			.param("now", now.toEpochMilli())
			.param("id", id)
			.param("owner", owner)
			.update() == 1;
	}

	@Override
	public Optional<CompensationEntry> find(String id) {
		return this.jdbc.sql("SELECT * FROM " + this.table + " WHERE id = :id")
			.param("id", id)
			.query(this::mapRow)
			.optional()
			.map(Row::entry);
	}

	@Override
	public List<CompensationEntry> list(@Nullable CompensationStatus status, int offset, int limit) {
		String where = (status != null) ? " WHERE status = :status" : "";
		JdbcClient.StatementSpec spec = this.jdbc
			.sql("SELECT * FROM " + this.table + where + " ORDER BY seq LIMIT :limit OFFSET :offset")
			.param("limit", limit)
			.param("offset", offset);
		if (status != null) {
			spec = spec.param("status", status.name());
		}
		return spec.query(this::mapRow).list().stream().map(Row::entry).toList();
	}

	@Override
	public Map<CompensationStatus, Long> countByStatus() {
		Map<CompensationStatus, Long> counts = new EnumMap<>(CompensationStatus.class);
		for (CompensationStatus status : CompensationStatus.values()) {
			counts.put(status, 0L);
		}
		this.jdbc.sql("SELECT status, COUNT(*) AS n FROM " + this.table + " GROUP BY status").query((rs) -> {
			CompensationStatus status = parseStatus(rs.getString("status"));
			if (status != null) {
				counts.put(status, rs.getLong("n"));
			}
		});
		return counts;
	}

	@Override
	public boolean hasWaiting(String orderingKey) {
		return this.jdbc.sql("SELECT 1 FROM " + this.table + " WHERE status IN ('PENDING', 'IN_PROGRESS')"
				+ " AND ordering_key = :key FETCH FIRST 1 ROWS ONLY")
			.param("key", orderingKey)
			.query(Integer.class)
			.optional()
			.isPresent();
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		Long min = this.jdbc
			.sql("SELECT MIN(created_at) FROM " + this.table + " WHERE status IN ('PENDING', 'IN_PROGRESS')")
			.query((rs, n) -> {
				long value = rs.getLong(1);
				return rs.wasNull() ? null : value;
			})
			.optional()
			.orElse(null);
		return Optional.ofNullable(min).map(Instant::ofEpochMilli);
	}

	/**
	 * Puts a dead entry back, due now, with its attempts reset, behind every entry of its ordering key: the row is
	 * written again under a new sequence (same id, same idempotency key, same creation time) in one transaction, so
	 * re-driving a dead entry never overtakes entries of its key that were queued after it.
	 */
	@Override
	public boolean resubmit(String id, Instant now) {
		Boolean done = this.transactions.execute((status) -> {
			Optional<Row> dead = this.jdbc.sql("SELECT * FROM " + this.table + " WHERE id = :id AND status = 'DEAD'"
					+ " FOR UPDATE")
				.param("id", id)
				.query(this::mapRow)
				.optional();
			if (dead.isEmpty()) {
				return false;
			}
			CompensationEntry entry = dead.get().entry();
			// the stored context as written (an unreadable one stays unreadable)
			String context = this.jdbc.sql("SELECT context FROM " + this.table + " WHERE id = :id")
				.param("id", id)
				.query(String.class)
				.single();
			this.jdbc.sql("DELETE FROM " + this.table + " WHERE id = :id").param("id", id).update();
			this.jdbc.sql(timed("INSERT INTO " + this.table + " (id, target, arguments, idempotency_key, pending_key,"
					+ " ordering_key, context, status, attempts, next_attempt_at, last_error, created_at, updated_at)"
					+ " VALUES (:id, :target, :arguments, :key, NULL, :orderingKey, :context, 'PENDING', 0, :now,"
					+ " :error, :created, :now)"))
				.param("id", id)
				.param("target", entry.target())
				.param("arguments", entry.arguments())
				.param("key", entry.idempotencyKey())
				.param("orderingKey", entry.orderingKey())
				.param("context", context)
				.param("error", entry.lastError())
				.param("created", entry.createdAt().toEpochMilli())
				.param("now", now.toEpochMilli())
				.update();
			return true;
		});
		return Boolean.TRUE.equals(done);
	}

	@Override
	public int resubmitAllDead(Instant now) {
		List<String> ids = this.jdbc.sql("SELECT id FROM " + this.table + " WHERE status = 'DEAD' ORDER BY seq")
			.query(String.class)
			.list();
		int count = 0;
		for (String id : ids) {
			if (resubmit(id, now)) {
				count++;
			}
		}
		return count;
	}

	@Override
	public boolean discard(String id) {
		return this.jdbc.sql("DELETE FROM " + this.table + " WHERE id = :id AND status = 'DEAD'")
			.param("id", id)
			.update() == 1;
	}

	@Override
	public int purgeDone(Instant before) {
		return this.jdbc.sql("DELETE FROM " + this.table + " WHERE status = 'DONE' AND updated_at < :before")
			.param("before", before.toEpochMilli())
			.update();
	}

	/** Group commit of the embedded store, or null (tests). */
	@Nullable GroupCommitEnqueuer groupCommit() {
		return this.groupCommit;
	}

	/**
	 * Returns the data source this store writes to.
	 * @return the data source
	 */
	public DataSource getDataSource() {
		return this.dataSource;
	}

	/**
	 * Returns the table name.
	 * @return the table
	 */
	public String getTable() {
		return this.table;
	}

	/** Closes the embedded database pool, if this store owns one. */
	@Override
	public void close() {
		if (this.groupCommit != null) {
			this.groupCommit.close();
		}
		if (this.owned != null) {
			try {
				this.owned.close();
			}
			catch (Exception ex) {
				logger.warn("Closing the compensation store failed", ex);
			}
		}
	}

	private Row mapRow(ResultSet rs, int rowNum) throws SQLException {
		String corruption = null;
		Map<String, String> context = Map.of();
		String contextJson = rs.getString("context");
		try {
			Map<String, String> parsed = this.json.readValue(contextJson, CONTEXT_TYPE);
			context = (parsed != null) ? new LinkedHashMap<>(parsed) : Map.of();
			context.values().forEach((v) -> Objects.requireNonNull(v, "null context value"));
		}
		catch (RuntimeException ex) {
			corruption = "context is not a JSON object of strings: " + FailureDescription.of(ex);
			context = Map.of();
		}
		CompensationStatus status = parseStatus(rs.getString("status"));
		if (status == null) {
			corruption = "unknown status '" + rs.getString("status") + "'";
			status = CompensationStatus.IN_PROGRESS;
		}
		long lease = rs.getLong("lease_expires_at");
		Instant leaseExpires = rs.wasNull() ? null : Instant.ofEpochMilli(lease);
		CompensationEntry entry = new CompensationEntry(rs.getString("id"), rs.getLong("seq"), rs.getString("target"),
				rs.getString("arguments"), rs.getString("idempotency_key"), rs.getString("ordering_key"), context,
				status, rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
				rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("lease_owner"),
				leaseExpires);
		return new Row(entry, corruption);
	}

	private static @Nullable CompensationStatus parseStatus(@Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return CompensationStatus.valueOf(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "JdbcCompensationStore[table=" + this.table + ", dialect=" + this.dialect + "]";
	}

	private record Row(CompensationEntry entry, @Nullable String corruption) {
	}

	private enum Dialect {

		POSTGRESQL, GENERIC

	}

}
