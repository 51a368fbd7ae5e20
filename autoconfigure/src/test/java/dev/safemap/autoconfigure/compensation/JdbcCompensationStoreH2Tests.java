package dev.safemap.autoconfigure.compensation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.CompensationStoreContractTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JdbcCompensationStoreH2Tests extends CompensationStoreContractTests {

	@TempDir
	Path directory;

	private JdbcCompensationStore store;

	@Override
	protected CompensationStore store() {
		if (this.store == null) {
			this.store = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		}
		return this.store;
	}

	@AfterEach
	void close() {
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	void entriesSurviveClosingAndReopeningTheDirectory() {
		String id = store().enqueue(CompensationRequest.of("t#m()", "[42]"), Instant.now()).entry().id();
		this.store.close();
		this.store = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		assertThat(this.store.find(id)).hasValueSatisfying((e) -> assertThat(e.arguments()).isEqualTo("[42]"));
		assertThat(Files.exists(this.directory.resolve("compensation.mv.db"))).isTrue();
	}

	@Test
	void rowWithUnreadableContextGoesToDeadLettersOnClaimWithoutBlockingOthers() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		CompensationEntry bad = store().enqueue(CompensationRequest.of("t#m()", "[1]").withOrderingKey("k"), now)
			.entry();
		CompensationEntry good = store().enqueue(CompensationRequest.of("t#m()", "[2]").withOrderingKey("k"), now)
			.entry();
		JdbcClient.create(this.store.getDataSource())
			.sql("UPDATE safemap_compensation SET context = 'not json' WHERE id = :id")
			.param("id", bad.id())
			.update();
		assertThat(store().claim("o", now, Duration.ofSeconds(30), 10)).isEmpty();
		CompensationEntry dead = store().find(bad.id()).orElseThrow();
		assertThat(dead.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(dead.lastError()).startsWith("unreadable entry: context is not a JSON object");
		assertThat(store().claim("o", now, Duration.ofSeconds(30), 10)).extracting(CompensationEntry::id)
			.containsExactly(good.id());
	}

	@Test
	void unwritableDirectoryIsRejectedWithThePath() throws Exception {
		Path file = Files.writeString(this.directory.resolve("a-file"), "x");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JdbcCompensationStore.embedded(file.resolve("sub"), JdbcCompensationStore.DEFAULT_TABLE))
			.withMessageContaining(file.resolve("sub").toString());
	}

	@Test
	void tableNameMustBeAnIdentifier() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JdbcCompensationStore.embedded(this.directory, "x; DROP TABLE y"))
			.withMessageContaining("'x; DROP TABLE y'");
	}

}
