package dev.safemap.compensation.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The PostgreSQL of the "services" profile (127.0.0.1:5432, database test, trust auth as postgres or root),
 * with a unique table name per test so parallel runs never collide.
 */
public final class PostgresTestDatabase implements AutoCloseable {

	public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

	private final HikariDataSource dataSource;

	private final String table;

	private PostgresTestDatabase(HikariDataSource dataSource, String table) {
		this.dataSource = dataSource;
		this.table = table;
	}

	public static PostgresTestDatabase create() {
		return new PostgresTestDatabase(dataSource(user(), 8), uniqueTable());
	}

	public static String uniqueTable() {
		return "safemap_cmp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	public static String user() {
		for (String user : new String[] { "postgres", "root" }) {
			try (HikariDataSource probe = dataSource(user, 1); Connection c = probe.getConnection()) {
				return user;
			}
			catch (SQLException | RuntimeException ex) {
				// try the next user
			}
		}
		throw new IllegalStateException("cannot connect to " + URL + " as postgres or root");
	}

	public static HikariDataSource dataSource(String user, int poolSize) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(URL);
		dataSource.setUsername(user);
		dataSource.setMaximumPoolSize(poolSize);
		dataSource.setInitializationFailTimeout(-1);
		return dataSource;
	}

	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	public String table() {
		return this.table;
	}

	@Override
	public void close() {
		this.dataSource.close();
	}

}
