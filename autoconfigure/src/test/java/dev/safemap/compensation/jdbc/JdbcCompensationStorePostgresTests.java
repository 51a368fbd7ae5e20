package dev.safemap.compensation.jdbc;

import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.CompensationStoreContractTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("services")
class JdbcCompensationStorePostgresTests extends CompensationStoreContractTests {

	private PostgresTestDatabase database;

	private JdbcCompensationStore store;

	@BeforeEach
	void open() {
		this.database = PostgresTestDatabase.create();
		this.store = JdbcCompensationStore.create(this.database.dataSource(), this.database.table());
		this.store.initializeSchema();
		assertThat(this.store.isPostgreSql()).isTrue();
	}

	@AfterEach
	void close() {
		this.store.dropSchema();
		this.database.close();
	}

	@Override
	protected CompensationStore store() {
		return this.store;
	}

}
