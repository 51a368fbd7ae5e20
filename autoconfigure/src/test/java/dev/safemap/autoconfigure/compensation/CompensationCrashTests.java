package dev.safemap.autoconfigure.compensation;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpServer;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.compensation.jdbc.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the application with SIGKILL in the middle of a replay and restarts it on the same store: every write
 * reaches the downstream, and the downstream, deduplicating by idempotency key, applies each exactly once.
 */
class CompensationCrashTests {

	private static final int WRITES = 300;

	@TempDir
	Path directory;

	private HttpServer server;

	private ExecutorService serverThreads;

	private final Stub stub = new Stub();

	private final List<Process> processes = new ArrayList<>();

	@BeforeEach
	void startStub() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.serverThreads = Executors.newFixedThreadPool(4);
		this.server.setExecutor(this.serverThreads);
		this.server.createContext("/apply", (exchange) -> {
			String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			int status = this.stub.handle(key, body);
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.server.stop(0);
		this.serverThreads.shutdownNow();
	}

	@Test
	void everyWriteIsAppliedExactlyOnceAfterAKillInTheMiddleOfReplayOnTheEmbeddedStore() throws Exception {
		Path store = this.directory.resolve("store");
		crashAndRecover("embedded:" + store);
		// after a graceful stop the store can be opened here: nothing is left waiting or dead
		try (JdbcCompensationStore opened = JdbcCompensationStore.embedded(store, JdbcCompensationStore.DEFAULT_TABLE)) {
			assertNothingLeft(opened);
		}
	}

	@Test
	void writesAcknowledgedJustBeforeASigkillAreNotLost() throws Exception {
		Path store = this.directory.resolve("store");
		this.stub.up = false;
		Path firstLog = this.directory.resolve("first.log");
		Process first = start("enqueue", "embedded:" + store, firstLog);
		waitFor(() -> log(firstLog).contains("ENQUEUED " + WRITES), Duration.ofSeconds(120), first, firstLog, 1);
		first.destroyForcibly(); // within milliseconds of the last acknowledged enqueue
		assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

		this.stub.up = true;
		Path secondLog = this.directory.resolve("second.log");
		Process second = start("replay", "embedded:" + store, secondLog);
		waitFor(() -> this.stub.applied.size() == WRITES, Duration.ofSeconds(120), second, secondLog, 50);
		for (int i = 0; i < WRITES; i++) {
			assertThat(this.stub.applied).containsKey("key-" + i);
		}
	}

	@Test
	void concurrentEnqueuesAcknowledgedJustBeforeASigkillAreNotLost() throws Exception {
		// the embedded store commits concurrent enqueues together: kill it while four writers are mid-stream
		Path store = this.directory.resolve("store");
		Path log = this.directory.resolve("writers.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				EnqueueCrashChild.class.getName(), store.toString(), "4")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		this.processes.add(child);
		waitFor(() -> log(log).lines().filter((line) -> line.startsWith("ACK ")).count() >= 1000,
				Duration.ofSeconds(120), child, log, 5);
		child.destroyForcibly(); // SIGKILL while the writers keep enqueueing
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		List<String> acknowledged = log(log).lines()
			.filter((line) -> line.startsWith("ACK ") && line.length() > 4)
			.map((line) -> line.substring(4))
			.toList();
		try (JdbcCompensationStore opened = JdbcCompensationStore.embedded(store, JdbcCompensationStore.DEFAULT_TABLE)) {
			java.util.Set<String> stored = new java.util.HashSet<>(
					org.springframework.jdbc.core.simple.JdbcClient.create(opened.getDataSource())
						.sql("SELECT idempotency_key FROM safemap_compensation")
						.query(String.class)
						.list());
			assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(1000);
			assertThat(stored).containsAll(acknowledged);
			System.out.printf("group commit crash test: %d enqueues acknowledged before SIGKILL, %d stored%n",
					acknowledged.size(), stored.size());
		}
	}

	@Test
	@Tag("services")
	void everyWriteIsAppliedExactlyOnceAfterAKillInTheMiddleOfReplayOnPostgres() throws Exception {
		String table = PostgresTestDatabase.uniqueTable();
		try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
			JdbcCompensationStore opened = JdbcCompensationStore.create(database.dataSource(), table);
			try {
				crashAndRecover("postgres:" + table);
				assertNothingLeft(opened);
			}
			finally {
				opened.dropSchema();
			}
		}
	}

	private void crashAndRecover(String store) throws Exception {
		// 1. the downstream is down while the application writes
		this.stub.up = false;
		Path firstLog = this.directory.resolve("first.log");
		Process first = start("enqueue", store, firstLog);
		waitFor(() -> log(firstLog).contains("ENQUEUED " + WRITES), Duration.ofSeconds(120), first, firstLog);
		assertThat(this.stub.applied).isEmpty();

		// 2. the downstream recovers; kill the application with SIGKILL in the middle of the replay. The
		// stub holds every delivery once a third are applied, so the kill lands mid-replay however fast
		// or slow this machine is
		this.stub.holdOnceApplied(WRITES / 3);
		this.stub.up = true;
		waitFor(() -> this.stub.applied.size() >= WRITES / 3, Duration.ofSeconds(120), first, firstLog);
		first.destroyForcibly(); // SIGKILL on Linux
		assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
		int appliedAtKill = this.stub.applied.size();
		assertThat(appliedAtKill).as("killed in the middle of the replay").isLessThan(WRITES);
		// deliveries the dead process had in flight now land, as they would at a real downstream
		this.stub.release();

		// 3. restart on the same store: the rest is replayed, leases of the killed process expire and are taken over
		Path secondLog = this.directory.resolve("second.log");
		Process second = start("replay", store, secondLog);
		waitFor(() -> this.stub.applied.size() == WRITES && this.stub.deliveries.size() == WRITES
				&& second.isAlive(), Duration.ofSeconds(120), second, secondLog);
		// let the last markDone calls land, then stop gracefully (SIGTERM closes the context)
		Thread.sleep(1000);
		second.destroy();
		assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

		// every write reached the stub, with its own payload, and each key was applied exactly once
		assertThat(this.stub.missingKey).hasValue(0);
		for (int i = 0; i < WRITES; i++) {
			assertThat(this.stub.applied).containsEntry("key-" + i, "key-" + i + "=" + i);
			assertThat(this.stub.applications.get("key-" + i)).hasValue(1);
		}
		assertThat(this.stub.applied).hasSize(WRITES);
		int deliveries = this.stub.deliveries.values().stream().mapToInt(AtomicInteger::get).sum();
		int duplicates = deliveries - WRITES;
		System.out.printf("crash test (%s): %d writes, %d applied before SIGKILL, %d successful deliveries, "
				+ "%d duplicate deliveries deduplicated by the stub%n", store.substring(0, store.indexOf(':')), WRITES,
				appliedAtKill, deliveries, duplicates);
	}

	private static void assertNothingLeft(JdbcCompensationStore store) {
		Map<CompensationStatus, Long> counts = store.countByStatus();
		assertThat(counts).containsEntry(CompensationStatus.PENDING, 0L)
			.containsEntry(CompensationStatus.IN_PROGRESS, 0L)
			.containsEntry(CompensationStatus.DEAD, 0L)
			.containsEntry(CompensationStatus.DONE, (long) WRITES);
	}

	private Process start(String mode, String store, Path log) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				CrashTestChild.class.getName(), mode, String.valueOf(WRITES),
				"http://127.0.0.1:" + this.server.getAddress().getPort(), store)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Process process = builder.start();
		this.processes.add(process);
		return process;
	}

	private static String log(Path log) {
		try {
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void waitFor(BooleanSupplier condition, Duration timeout, Process process, Path log)
			throws InterruptedException {
		waitFor(condition, timeout, process, log, 50);
	}

	private static void waitFor(BooleanSupplier condition, Duration timeout, Process process, Path log,
			long pollMillis) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (!condition.getAsBoolean()) {
			if (!process.isAlive()) {
				throw new AssertionError("child exited with " + process.exitValue() + ":\n" + log(log));
			}
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("timed out after " + timeout + "; child output:\n" + log(log));
			}
			Thread.sleep(pollMillis);
		}
	}

	/** The downstream: counts deliveries per key and applies each key at most once. */
	static final class Stub {

		volatile boolean up;

		final Map<String, String> applied = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> applications = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		final AtomicInteger missingKey = new AtomicInteger();

		private volatile CountDownLatch hold;

		private volatile int holdAfter;

		/** Deliveries wait, once {@code applied} keys are applied, until {@link #release()}. */
		void holdOnceApplied(int applied) {
			this.holdAfter = applied;
			this.hold = new CountDownLatch(1);
		}

		void release() {
			CountDownLatch latch = this.hold;
			this.hold = null;
			if (latch != null) {
				latch.countDown();
			}
		}

		int handle(String key, String body) {
			if (!this.up) {
				return 503;
			}
			if (key == null) {
				this.missingKey.incrementAndGet();
				return 400;
			}
			try {
				Thread.sleep(20); // a slow downstream
				CountDownLatch latch = this.hold;
				if (latch != null && this.applied.size() >= this.holdAfter) {
					latch.await(120, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.deliveries.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			if (this.applied.putIfAbsent(key, body) == null) {
				this.applications.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			}
			return 200;
		}

	}

}
