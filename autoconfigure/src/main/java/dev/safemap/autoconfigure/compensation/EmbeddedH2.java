package dev.safemap.autoconfigure.compensation;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Holds H2's own small connection pool for the embedded store; the only class that touches H2 types.
 */
final class EmbeddedH2 implements AutoCloseable {

	private final JdbcConnectionPool pool;

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

	@Override
	public void close() {
		this.pool.dispose();
	}

}
