package dev.safemap.autoconfigure.compensation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.compensation.jdbc.PostgresTestDatabase;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one PostgreSQL queue where the old single lease per claim broke: a lease much shorter than a
 * batch (each claim of 80 entries takes about 80 x 25 ms = 2 s to replay, the lease is 1 s), and the second
 * instance's application clock 31 s ahead of the first (it sees every lease of the first as expired). The lease
 * leaves room for pauses of a busy machine: a lease can only be kept by renewing it within its length. Leases are renewed during each replay (and before it once a third of the lease has elapsed since the claim), with one or four replay threads, and compared with the database's clock: no entry is
 * delivered twice, and per-key order holds.
 */
@Tag("services")
class TwoInstanceLeasePostgresTests {

	private static final int ENTRIES = 400;

	private static final int KEYS = 20;

	@ParameterizedTest(name = "replay threads: {0}")
	@ValueSource(ints = { 1, 4 })
	void leaseShorterThanABatchAndASkewedClockDeliverEachEntryOnceInPerKeyOrder(int replayThreads) {
		String table = PostgresTestDatabase.uniqueTable();
		String user = PostgresTestDatabase.user();
		try (HikariDataSource setup = PostgresTestDatabase.dataSource(user, 2);
				HikariDataSource poolA = PostgresTestDatabase.dataSource(user, 4);
				HikariDataSource poolB = PostgresTestDatabase.dataSource(user, 4)) {
			JdbcCompensationStore admin = JdbcCompensationStore.create(setup, table);
			admin.initializeSchema();
			try {
				Map<String, List<String>> deliveries = new ConcurrentHashMap<>();
				Map<String, List<Integer>> orderPerKey = new ConcurrentHashMap<>();
				for (int i = 0; i < ENTRIES; i++) {
					admin.enqueue(CompensationRequest.of("write", String.valueOf(i))
						.withIdempotencyKey("k-" + i)
						.withOrderingKey("key-" + (i % KEYS)), Instant.now());
				}
				List<CompensationRegistry> instances = new ArrayList<>();
				Map<String, Clock> clocks = Map.of("instance-a", Clock.systemUTC(), "instance-b",
						Clock.offset(Clock.systemUTC(), Duration.ofSeconds(31)));
				for (String name : List.of("instance-a", "instance-b")) {
					JdbcCompensationStore store = JdbcCompensationStore
						.create(name.equals("instance-a") ? poolA : poolB, table)
						.useDatabaseClock();
					CompensationRegistry registry = CompensationRegistry.builder(store)
						.owner(name)
						.clock(clocks.get(name))
						.pollInterval(Duration.ofMillis(20))
						.lease(Duration.ofSeconds(1))
						.batchSize(80)
						.replayThreads(replayThreads)
						.backoff(IntervalFunction.of(Duration.ofMillis(10)))
						.handlers((target) -> (entry) -> {
							deliveries.computeIfAbsent(entry.id(), (id) -> new CopyOnWriteArrayList<>()).add(name);
							orderPerKey.computeIfAbsent(entry.orderingKey(), (k) -> new CopyOnWriteArrayList<>())
								.add(Integer.parseInt(entry.arguments()));
							Thread.sleep(25); // the downstream's work: a batch outlasts the lease
						})
						.build();
					instances.add(registry);
				}
				try {
					instances.forEach(CompensationRegistry::start);
					await().atMost(Duration.ofMinutes(3))
						.until(() -> admin.countByStatus().get(CompensationStatus.DONE) == ENTRIES);
				}
				finally {
					instances.forEach(CompensationRegistry::close);
				}

				assertThat(deliveries).hasSize(ENTRIES);
				assertThat(deliveries.entrySet()).as("entries delivered more than once")
					.filteredOn((e) -> e.getValue().size() > 1)
					.isEmpty();
				assertThat(deliveries.values().stream().flatMap(List::stream).distinct())
					.as("both instances took part")
					.containsExactlyInAnyOrder("instance-a", "instance-b");
				for (int k = 0; k < KEYS; k++) {
					assertThat(orderPerKey.get("key-" + k)).as("order of key-%d", k).isSorted().hasSize(ENTRIES / KEYS);
				}
			}
			finally {
				admin.dropSchema();
			}
		}
	}

}
