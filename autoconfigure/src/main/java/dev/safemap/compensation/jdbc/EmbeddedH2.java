package dev.safemap.compensation.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds H2's own small connection pool for the embedded store, and compacts its file; the only class that touches
 * H2 types.
 * <p>
 * Thread-safety: thread-safe; {@link #compact(Connection)} is called by one thread at a time (the group commit
 * leader).
 */
final class EmbeddedH2 implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedH2.class);

	/** Chunks filled below this percentage (on average) are rewritten. */
	private static final int COMPACT_BELOW_FILL_RATE = 50;

	/** At most this many bytes of chunks are rewritten by one {@link #compact(Connection)}. */
	private static final int COMPACT_WRITE_LIMIT = 256 * 1024;

	private final JdbcConnectionPool pool;

	/** Cleared when H2's internals do not match (another H2 version): the store then works without compaction. */
	private volatile boolean compactionAvailable = true;

	private EmbeddedH2(JdbcConnectionPool pool) {
		this.pool = pool;
	}

	static EmbeddedH2 open(String url) {
		JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
		pool.setMaxConnections(8);
		return new EmbeddedH2(pool);
	}

	DataSource dataSource() {
		return this.pool;
	}

	/**
	 * Rewrites the live pages of the file's sparsest chunks into new ones, a bounded amount at a time. H2 writes
	 * every commit as a new chunk; with {@code WRITE_DELAY=0} it runs no background housekeeping, so without this
	 * the file keeps thousands of chunks that are mostly garbage (95% after 20,000 enqueues), and the chunk table H2
	 * rewrites on every commit grows with them. The moved pages are ordinary MVStore writes: a commit that returned
	 * stays on disk whether or not a compaction ran or was killed half-way.
	 * @param connection an open connection to the embedded database, outside a transaction
	 */
	void compact(Connection connection) throws SQLException {
		if (!this.compactionAvailable) {
			return;
		}
		try {
			if (connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
				MVStore store = session.getDatabase().getStore().getMvStore();
				store.compact(COMPACT_BELOW_FILL_RATE, COMPACT_WRITE_LIMIT);
			}
		}
		catch (LinkageError | ClassCastException ex) {
			this.compactionAvailable = false;
			logger.warn("The embedded compensation store cannot compact its file with this H2 version ({}); it keeps"
					+ " working, its file grows with unused space", ex.toString());
		}
	}

	@Override
	public void close() {
		this.pool.dispose();
	}

}
