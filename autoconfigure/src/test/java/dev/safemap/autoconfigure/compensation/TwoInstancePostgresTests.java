package dev.safemap.autoconfigure.compensation;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.compensation.jdbc.PostgresTestDatabase;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances (each with its own connection pool, lease owner and worker) share one PostgreSQL queue of
 * 5,000 entries: none is replayed by both, none is left, and per-key order holds across instances even with
 * failed attempts in between.
 */
@Tag("services")
class TwoInstancePostgresTests {

	private static final int ENTRIES = 5_000;

	private static final int KEYS = 100;

	@Test
	void twoInstancesDrainASharedQueueWithoutDoubleReplayAndInPerKeyOrder() throws Exception {
		String table = PostgresTestDatabase.uniqueTable();
		String user = PostgresTestDatabase.user();
		try (HikariDataSource setup = PostgresTestDatabase.dataSource(user, 2);
				HikariDataSource poolA = PostgresTestDatabase.dataSource(user, 4);
				HikariDataSource poolB = PostgresTestDatabase.dataSource(user, 4)) {
			JdbcCompensationStore admin = JdbcCompensationStore.create(setup, table);
			admin.initializeSchema();
			try {
				Map<String, List<String>> replayedBy = new ConcurrentHashMap<>();
				Map<String, List<Integer>> orderPerKey = new ConcurrentHashMap<>();
				Set<String> failedOnce = ConcurrentHashMap.newKeySet();
				Map<String, AtomicInteger> perInstance = new ConcurrentHashMap<>();
				for (int i = 0; i < ENTRIES; i++) {
					admin.enqueue(CompensationRequest.of("write", String.valueOf(i))
						.withIdempotencyKey("k-" + i)
						.withOrderingKey("key-" + (i % KEYS)), Instant.now());
				}
				List<CompensationRegistry> instances = new ArrayList<>();
				for (String name : List.of("instance-a", "instance-b")) {
					JdbcCompensationStore store = JdbcCompensationStore
						.create(name.equals("instance-a") ? poolA : poolB, table);
					CompensationRegistry registry = CompensationRegistry.builder(store)
						.owner(name)
						.pollInterval(Duration.ofMillis(20))
						.batchSize(25)
						.maxAttempts(5)
						.backoff(IntervalFunction.of(Duration.ofMillis(10)))
						.handlers((target) -> (entry) -> {
							int n = Integer.parseInt(entry.arguments());
							// every 10th entry fails once: its key must wait for it
							if (n % 10 == 0 && failedOnce.add(entry.id())) {
								throw new IOException("transient failure of " + n);
							}
							replayedBy.computeIfAbsent(entry.id(), (id) -> new CopyOnWriteArrayList<>()).add(name);
							orderPerKey.computeIfAbsent(entry.orderingKey(), (k) -> new CopyOnWriteArrayList<>())
								.add(n);
							perInstance.computeIfAbsent(name, (k) -> new AtomicInteger()).incrementAndGet();
						})
						.build();
					instances.add(registry);
				}
				instances.forEach(CompensationRegistry::start);
				Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
				while (admin.countByStatus().get(CompensationStatus.DONE) < ENTRIES && Instant.now().isBefore(deadline)) {
					Thread.sleep(100);
				}
				instances.forEach(CompensationRegistry::close);

				assertThat(admin.countByStatus()).containsEntry(CompensationStatus.DONE, (long) ENTRIES)
					.containsEntry(CompensationStatus.PENDING, 0L)
					.containsEntry(CompensationStatus.IN_PROGRESS, 0L)
					.containsEntry(CompensationStatus.DEAD, 0L);
				assertThat(replayedBy).hasSize(ENTRIES);
				assertThat(replayedBy.values()).as("no entry replayed by both instances (or twice)")
					.allSatisfy((owners) -> assertThat(owners).hasSize(1));
				assertThat(perInstance.keySet()).as("both instances took part").containsExactlyInAnyOrder("instance-a",
						"instance-b");
				assertThat(failedOnce).hasSize(ENTRIES / 10);
				for (int k = 0; k < KEYS; k++) {
					List<Integer> order = orderPerKey.get("key-" + k);
					assertThat(order).as("order of key-%d", k).isSorted().hasSize(ENTRIES / KEYS);
				}
				System.out.printf("two instances: %s successful replays per instance, %d transient failures%n",
						perInstance, failedOnce.size());
			}
			finally {
				admin.dropSchema();
			}
		}
	}

}
