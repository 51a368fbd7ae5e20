package dev.safemap.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.safemap.compensation.CompensationContext;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import org.h2.jdbcx.JdbcConnectionPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable enqueue rate and replay rate of the compensation queue.
 * <ul>
 * <li>{@code enqueue}: one {@code CompensationRegistry.enqueue} per operation: a committed insert (H2 in file
 * mode with {@code WRITE_DELAY=0}, or PostgreSQL), i.e. the cost a caller pays when its write is deferred.
 * Target on these 2-core machines: at least 2,000/s on the embedded store.</li>
 * <li>{@code replay}: entries replayed per second against a local HTTP stub that deduplicates by
 * {@code Idempotency-Key}: claim with lease, HTTP POST, mark done. Each invocation first stores 200 entries
 * (not measured).</li>
 * </ul>
 * Stores: {@code h2} is the embedded store as shipped ({@code JdbcCompensationStore.embedded}: group commit of
 * concurrent enqueues); {@code h2-unbatched} is the same H2 file database, same settings, opened by the benchmark
 * and used through {@code JdbcCompensationStore.create}, which commits every enqueue on its own (the embedded
 * store's behaviour before group commit): the same-run baseline. {@code -p store=h2,h2-unbatched,postgresql} adds
 * PostgreSQL (127.0.0.1:5432, database test, user postgres, trust auth).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch" })
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class CompensationBenchmark {

	static final int BATCH = 200;

	private static final String TARGET = "stockClient#reserve(com.example.Reservation)";

	private static final String ARGUMENTS = "[{\"orderId\":\"0b6f2a4e-6b1c-4f0e-9d57-3f1f5d2c9e10\",\"sku\":\"apple\",\"quantity\":2}]";

	@Param({ "h2" })
	public String store;

	private Path directory;

	private HikariDataSource dataSource;

	private JdbcConnectionPool h2Pool;

	private JdbcCompensationStore jdbc;

	private CompensationRegistry registry;

	private HttpServer stub;

	private ExecutorService stubThreads;

	private HttpClient client;

	private URI stubUri;

	final Map<String, Boolean> applied = new ConcurrentHashMap<>();

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		if (this.store.equals("h2")) {
			this.directory = Files.createTempDirectory("safemap-compensation-bench");
			this.jdbc = JdbcCompensationStore.embedded(this.directory, JdbcCompensationStore.DEFAULT_TABLE);
		}
		else if (this.store.equals("h2-unbatched")) {
			this.directory = Files.createTempDirectory("safemap-compensation-bench");
			// the URL of JdbcCompensationStore.embedded
			this.h2Pool = JdbcConnectionPool.create("jdbc:h2:file:" + this.directory.resolve("compensation")
					+ ";WRITE_DELAY=0;FILE_LOCK=FS;RETENTION_TIME=0;PAGE_SIZE=8192;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
			this.h2Pool.setMaxConnections(8);
			this.jdbc = JdbcCompensationStore.create(this.h2Pool, JdbcCompensationStore.DEFAULT_TABLE);
			this.jdbc.initializeSchema();
		}
		else if (this.store.equals("postgresql")) {
			this.dataSource = new HikariDataSource();
			this.dataSource.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test");
			this.dataSource.setUsername(System.getProperty("pg.user", "postgres"));
			this.dataSource.setMaximumPoolSize(8);
			String table = "safemap_cmp_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
			this.jdbc = JdbcCompensationStore.create(this.dataSource, table);
			this.jdbc.initializeSchema();
		}
		else {
			throw new IllegalArgumentException("store must be h2, h2-unbatched or postgresql, but was " + this.store);
		}
		this.stubThreads = Executors.newFixedThreadPool(2);
		this.stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.stub.setExecutor(this.stubThreads);
		this.stub.createContext("/apply", (exchange) -> {
			try (InputStream in = exchange.getRequestBody()) {
				in.readAllBytes();
			}
			String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
			this.applied.putIfAbsent(key, Boolean.TRUE);
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		this.stub.start();
		this.stubUri = URI.create("http://127.0.0.1:" + this.stub.getAddress().getPort() + "/apply");
		this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		this.registry = CompensationRegistry.builder(this.jdbc)
			.batchSize(50)
			.maxAttempts(1_000)
			.lease(Duration.ofMinutes(5))
			.handlers((target) -> (entry) -> post(entry.arguments()))
			.build();
	}

	private void post(String body) throws IOException, InterruptedException {
		String key = CompensationContext.currentIdempotencyKey().orElseThrow();
		HttpResponse<Void> response = this.client.send(HttpRequest.newBuilder(this.stubUri)
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.discarding());
		if (response.statusCode() >= 300) {
			throw new IOException("stub answered " + response.statusCode());
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.registry.close();
		this.stub.stop(0);
		this.stubThreads.shutdownNow();
		if (this.dataSource != null) {
			this.jdbc.dropSchema();
			this.dataSource.close();
		}
		this.jdbc.close();
		if (this.h2Pool != null) {
			this.h2Pool.dispose();
		}
		if (this.directory != null) {
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	@Benchmark
	public CompensationRegistry.Enqueued enqueue() {
		return this.registry.enqueue(CompensationRequest.of(TARGET, ARGUMENTS));
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public int replay(Filled filled) {
		int replayed = 0;
		while (replayed < BATCH) {
			int attempted = this.registry.replayDue();
			if (attempted == 0) {
				throw new IllegalStateException("nothing due after " + replayed + " replays");
			}
			replayed += attempted;
		}
		return replayed;
	}

	/** Stores {@value CompensationBenchmark#BATCH} due entries before each replay invocation. */
	@State(Scope.Thread)
	public static class Filled {

		@Setup(Level.Invocation)
		public void fill(CompensationBenchmark benchmark) {
			for (int i = 0; i < BATCH; i++) {
				benchmark.registry.enqueue(CompensationRequest.of(TARGET, ARGUMENTS));
			}
		}

	}

}
