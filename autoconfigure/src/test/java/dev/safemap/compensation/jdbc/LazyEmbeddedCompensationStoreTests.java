package dev.safemap.compensation.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class LazyEmbeddedCompensationStoreTests {

	@TempDir
	Path temp;

	@Test
	void readsOfAStoreNeverWrittenCreateNoDirectoryAndFindNothing() {
		Path directory = this.temp.resolve("compensation");
		try (LazyEmbeddedCompensationStore store = new LazyEmbeddedCompensationStore(directory,
				JdbcCompensationStore.DEFAULT_TABLE)) {
			Instant now = Instant.now();
			assertThat(store.claim("me", now, Duration.ofMinutes(1), 10)).isEmpty();
			assertThat(store.countByStatus()).containsOnlyKeys(CompensationStatus.values()).doesNotContainValue(1L);
			assertThat(store.list(null, 0, 10)).isEmpty();
			assertThat(store.find("missing")).isEmpty();
			assertThat(store.oldestPendingCreatedAt()).isEmpty();
			assertThat(store.markDone("missing", "me", now)).isFalse();
			assertThat(store.resubmitAllDead(now)).isZero();
			assertThat(store.purgeDone(now)).isZero();
			assertThat(store.discard("missing")).isFalse();
			assertThat(store.isOpen()).isFalse();
			assertThat(store.exists()).isFalse();
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void theFirstEnqueueCreatesTheDatabaseWhichALaterStoreFindsAndOpens() {
		Path directory = this.temp.resolve("compensation");
		String id;
		try (LazyEmbeddedCompensationStore store = new LazyEmbeddedCompensationStore(directory,
				JdbcCompensationStore.DEFAULT_TABLE)) {
			id = store.enqueue(CompensationRequest.of("t#m()", "[1]"), Instant.now()).entry().id();
			assertThat(store.isOpen()).isTrue();
			assertThat(store.countByStatus()).containsEntry(CompensationStatus.PENDING, 1L);
		}
		assertThat(Files.isDirectory(directory)).isTrue();
		try (LazyEmbeddedCompensationStore later = new LazyEmbeddedCompensationStore(directory,
				JdbcCompensationStore.DEFAULT_TABLE)) {
			assertThat(later.exists()).isTrue();
			assertThat(later.open().find(id)).isPresent();
		}
	}

	@Test
	void aClosedStoreIsNotOpenedAgain() {
		LazyEmbeddedCompensationStore store = new LazyEmbeddedCompensationStore(this.temp.resolve("compensation"),
				JdbcCompensationStore.DEFAULT_TABLE);
		store.close();
		assertThatIllegalStateException()
			.isThrownBy(() -> store.enqueue(CompensationRequest.of("t#m()", "[1]"), Instant.now()));
		assertThat(this.temp.resolve("compensation")).doesNotExist();
	}

}
