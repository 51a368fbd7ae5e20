package dev.safemap.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.safemap.compensation.CompensationContext;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;

/**
 * Drain rate of the compensation queue (issue 14): how fast the replay workers empty a backlog once the downstream is
 * back. A plain program, not JMH: one drain of 10,000 pending entries is the measurement.
 * <p>
 * Each run: a local HTTP downstream (JDK {@code HttpServer} on 127.0.0.1, answering 204 at once, deduplicating by
 * {@code Idempotency-Key}); the same-run baseline is that downstream called directly, on one thread, for 2,000 POSTs
 * (the most one replay thread could deliver); then 1,000 entries are stored and drained to warm up (not counted);
 * then {@code entries} (default 10,000) entries over {@code keys} ordering keys (default 100) are stored while no
 * worker runs, the workers of {@code instances} registries (each its own store object, connection pool and lease
 * owner, in this one JVM) are started, and the time until the downstream has seen every entry is taken. The
 * downstream checks per-key order (each key's entries arrive in enqueue order, none skipped) and counts duplicate
 * deliveries. Registries use the shipped defaults (poll interval 2 s, batch 50, lease 2 min, 4 replay threads) unless
 * {@code -Dpoll=...} is given.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.safemap.benchmarks.CompensationDrainBenchmark
 * [h2|postgresql] [instances] [entries] [keys]}. {@code h2} is the embedded store (one instance: one process opens an
 * embedded directory); {@code postgresql} needs a server on 127.0.0.1:5432 (database test, user postgres, trust auth).
 */
public final class CompensationDrainBenchmark {

	private static final String TARGET = "stockClient#reserve(com.example.Reservation)";

	private final Map<String, Boolean> applied = new ConcurrentHashMap<>();

	private final Map<String, Integer> lastIndexOfKey = new ConcurrentHashMap<>();

	private final AtomicInteger duplicates = new AtomicInteger();

	private final AtomicInteger orderViolations = new AtomicInteger();

	private final AtomicInteger deliveries = new AtomicInteger();

	private HttpClient client;

	private URI stubUri;

	public static void main(String[] args) throws Exception {
		String store = (args.length > 0) ? args[0] : "h2";
		int instances = (args.length > 1) ? Integer.parseInt(args[1]) : 1;
		int entries = (args.length > 2) ? Integer.parseInt(args[2]) : 10_000;
		int keys = (args.length > 3) ? Integer.parseInt(args[3]) : 100;
		if (store.equals("h2") && instances != 1) {
			throw new IllegalArgumentException("the embedded store is opened by one instance, but instances was "
					+ instances);
		}
		new CompensationDrainBenchmark().run(store, instances, entries, keys);
	}

	private void run(String store, int instances, int entries, int keys) throws Exception {
		ExecutorService stubThreads = Executors.newFixedThreadPool(4);
		HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		stub.setExecutor(stubThreads);
		stub.createContext("/apply", (exchange) -> {
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			record(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body);
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		stub.start();
		this.stubUri = URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/apply");
		this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		Path directory = null;
		List<JdbcCompensationStore> stores = new ArrayList<>();
		List<HikariDataSource> pools = new ArrayList<>();
		String table = "safemap_drain_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		try {
			double direct = direct(2_000);
			if (store.equals("h2")) {
				directory = Files.createTempDirectory("safemap-drain");
				stores.add(JdbcCompensationStore.embedded(directory, JdbcCompensationStore.DEFAULT_TABLE));
			}
			else if (store.equals("postgresql")) {
				for (int i = 0; i < instances; i++) {
					HikariDataSource pool = new HikariDataSource();
					pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test");
					pool.setUsername(System.getProperty("pg.user", "postgres"));
					pool.setMaximumPoolSize(4);
					pools.add(pool);
					JdbcCompensationStore jdbc = JdbcCompensationStore.create(pool, table).useDatabaseClock();
					if (i == 0) {
						jdbc.initializeSchema();
					}
					stores.add(jdbc);
				}
			}
			else {
				throw new IllegalArgumentException("store must be h2 or postgresql, but was " + store);
			}
			drain("warm-up", stores, 1_000, 10, false);
			Result result = drain("drain", stores, entries, keys, true);
			System.out.printf("%nstore=%s instances=%d entries=%d keys=%d poll=%s%n", store, instances, entries, keys,
					System.getProperty("poll", "2s (default)"));
			System.out.printf("drain: %.0f entries/s overall, %.0f entries/s per instance (%.2f s)%n", result.rate(),
					result.rate() / instances, result.seconds());
			System.out.printf("baseline: downstream called directly on one thread: %.0f calls/s; drain per instance = "
					+ "%.2fx%n", direct, result.rate() / instances / direct);
			System.out.printf("per-key order violations: %d, duplicate deliveries: %d, done in store: %d%n",
					this.orderViolations.get(), this.duplicates.get(), result.done());
		}
		finally {
			stub.stop(0);
			stubThreads.shutdownNow();
			if (!pools.isEmpty()) {
				stores.get(0).dropSchema();
			}
			for (JdbcCompensationStore jdbc : stores) {
				jdbc.close();
			}
			for (HikariDataSource pool : pools) {
				pool.close();
			}
			if (directory != null) {
				try (Stream<Path> files = Files.walk(directory)) {
					files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
				}
			}
		}
	}

	private Result drain(String name, List<JdbcCompensationStore> stores, int entries, int keys, boolean check)
			throws Exception {
		this.applied.clear();
		this.lastIndexOfKey.clear();
		this.duplicates.set(0);
		this.orderViolations.set(0);
		this.deliveries.set(0);
		String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
		List<CompensationRegistry> registries = new ArrayList<>();
		for (int i = 0; i < stores.size(); i++) {
			CompensationRegistry.Builder builder = CompensationRegistry.builder(stores.get(i))
				.owner("drain-" + i + "-" + run)
				.handlers((target) -> (entry) -> post(entry.arguments()));
			String poll = System.getProperty("poll");
			if (poll != null) {
				builder.pollInterval(Duration.parse("PT" + poll.toUpperCase()));
			}
			registries.add(builder.build());
		}
		CompensationRegistry first = registries.get(0);
		for (int i = 0; i < entries; i++) {
			int key = i % keys;
			int index = i / keys;
			first.enqueue(CompensationRequest.of(TARGET, "[\"" + run + "-k" + key + "\"," + index + "]")
				.withIdempotencyKey(run + "-" + i)
				.withOrderingKey(run + "-k" + key));
		}
		long doneBefore = first.counts().getOrDefault(CompensationStatus.DONE, 0L);
		long start = System.nanoTime();
		for (CompensationRegistry registry : registries) {
			registry.start();
		}
		long deadline = start + Duration.ofMinutes(10).toNanos();
		while (this.applied.size() < entries) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(name + ": " + this.applied.size() + " of " + entries
						+ " applied after 10 min");
			}
			Thread.sleep(2);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		for (CompensationRegistry registry : registries) {
			registry.close();
		}
		long done = first.counts().getOrDefault(CompensationStatus.DONE, 0L) - doneBefore;
		if (!check) {
			System.out.printf("%s: %d entries in %.2f s%n", name, entries, seconds);
		}
		return new Result(entries / seconds, seconds, done);
	}

	private void record(String idempotencyKey, String body) {
		this.deliveries.incrementAndGet();
		if (this.applied.putIfAbsent(idempotencyKey, Boolean.TRUE) != null) {
			this.duplicates.incrementAndGet();
			return;
		}
		if (body.startsWith("direct")) {
			return;
		}
		// body: ["<run>-k<key>",<index>]
		int comma = body.lastIndexOf(',');
		String key = body.substring(2, comma - 1);
		int index = Integer.parseInt(body.substring(comma + 1, body.length() - 1));
		Integer previous = this.lastIndexOfKey.put(key, index);
		int expected = (previous == null) ? 0 : previous + 1;
		if (index != expected) {
			this.orderViolations.incrementAndGet();
		}
	}

	private double direct(int calls) throws Exception {
		for (int i = 0; i < 500; i++) {
			send("direct-warm-" + i, "direct");
		}
		long start = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			send("direct-" + i, "direct");
		}
		double rate = calls / ((System.nanoTime() - start) / 1e9);
		this.applied.clear();
		return rate;
	}

	private void post(String body) throws IOException, InterruptedException {
		send(CompensationContext.currentIdempotencyKey().orElseThrow(), body);
	}

	private void send(String key, String body) throws IOException, InterruptedException {
		HttpResponse<Void> response = this.client.send(HttpRequest.newBuilder(this.stubUri)
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.discarding());
		if (response.statusCode() >= 300) {
			throw new IOException("downstream answered " + response.statusCode());
		}
	}

	private record Result(double rate, double seconds, long done) {
	}

}
