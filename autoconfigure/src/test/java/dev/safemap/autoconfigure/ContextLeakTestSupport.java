package dev.safemap.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.safemap.context.RequestContext;
import dev.safemap.context.SafeMapContext;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared parts of the MVC and WebFlux leak tests: the hops a handler makes, probes that check pool
 * threads are empty between tasks, and the load client.
 */
final class ContextLeakTestSupport {

	static final int REQUESTS = 10_000;

	static final int CLIENT_THREADS = 12;

	private ContextLeakTestSupport() {
	}

	/** What one hop saw: its request id, its MDC request id, and whether it had the very same snapshot. */
	static String seen(RequestContext expected) {
		RequestContext current = RequestContext.current();
		return current.requestId().orElse("none") + "/" + MDC.get(RequestContext.REQUEST_ID) + "/" + (current == expected);
	}

	/** Hops through @Async, a CompletableFuture on a wrapped user pool, and Reactor with two scheduler switches. */
	static List<String> hops(RequestContext expected, AsyncHop async, ExecutorService userPool) {
		List<String> seen = new ArrayList<>();
		seen.add(seen(expected));
		seen.add(async.seen(expected).join());
		seen.add(CompletableFuture.supplyAsync(() -> seen(expected), userPool).join());
		seen.add(CompletableFuture.supplyAsync(() -> seen(expected), userPool)
			.thenApplyAsync((previous) -> seen(expected), userPool)
			.join());
		seen.add(reactorHops(expected).block(Duration.ofSeconds(30)));
		return seen;
	}

	static Mono<String> reactorHops(RequestContext expected) {
		return Mono.just(1)
			.publishOn(Schedulers.boundedElastic())
			.map((ignored) -> seen(expected))
			.publishOn(Schedulers.parallel())
			.map((previous) -> previous.equals(seen(expected)) ? previous : previous + "!=" + seen(expected));
	}

	/** The @Async hop. */
	static class AsyncHop {

		@Async
		CompletableFuture<String> seen(RequestContext expected) {
			return CompletableFuture.completedFuture(ContextLeakTestSupport.seen(expected));
		}

	}

	/** A user pool: the raw executor (for probes) and its one-line wrapped form (for the hops). */
	static final class UserPool implements AutoCloseable {

		final ExecutorService raw = Executors.newFixedThreadPool(4, (task) -> {
			Thread thread = new Thread(task, "user-pool");
			thread.setDaemon(true);
			return thread;
		});

		final ExecutorService wrapped = SafeMapContext.wrap(this.raw);

		@Override
		public void close() {
			this.raw.shutdownNow();
		}

	}

	/**
	 * Submits raw tasks (not wrapped, not decorated) to the pools while the load runs and afterwards:
	 * each checks that its pooled thread carries no request context and no MDC request id.
	 */
	static final class Prober implements AutoCloseable {

		private final List<Supplier<Future<Boolean>>> probes = new ArrayList<>();

		final AtomicLong probesRun = new AtomicLong();

		final Set<String> failures = ConcurrentHashMap.newKeySet();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Prober(ThreadPoolTaskExecutor applicationTaskExecutor, UserPool userPool) {
			ThreadPoolExecutor asyncPool = applicationTaskExecutor.getThreadPoolExecutor();
			this.probes.add(() -> asyncPool.submit(() -> probe("async")));
			this.probes.add(() -> userPool.raw.submit(() -> probe("user-pool")));
			this.probes.add(() -> onScheduler(Schedulers.parallel(), "parallel"));
			this.probes.add(() -> onScheduler(Schedulers.boundedElastic(), "bounded-elastic"));
			this.thread = new Thread(this::loop, "leak-prober");
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		private void loop() {
			// at least one round, however late this thread gets the CPU: the callers' count of probes
			// must not depend on the machine's speed
			do {
				probeAllOnce();
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
			while (this.running.get());
		}

		void probeAllOnce() {
			List<Future<Boolean>> futures = new ArrayList<>();
			for (Supplier<Future<Boolean>> probe : this.probes) {
				futures.add(probe.get());
			}
			for (Future<Boolean> future : futures) {
				try {
					future.get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					this.failures.add("probe failed: " + ex);
				}
			}
		}

		private Boolean probe(String pool) {
			this.probesRun.incrementAndGet();
			RequestContext current = RequestContext.current();
			String mdc = MDC.get(RequestContext.REQUEST_ID);
			if (!current.isEmpty() || mdc != null) {
				this.failures.add(pool + " thread " + Thread.currentThread().getName() + " kept " + current.requestId()
						+ " / MDC " + mdc);
				return false;
			}
			return true;
		}

		private Future<Boolean> onScheduler(Scheduler scheduler, String name) {
			CompletableFuture<Boolean> result = new CompletableFuture<>();
			scheduler.schedule(() -> result.complete(probe(name)));
			return result;
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(10_000);
		}

	}

	/**
	 * Sends {@link #REQUESTS} GET requests with distinct request ids from {@link #CLIENT_THREADS}
	 * threads; every response must list, for every hop, exactly its own id, MDC id and "true".
	 */
	static void sendDistinctRequests(int port, String path) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
		HttpClient http = HttpClient.newBuilder().executor(clients).connectTimeout(Duration.ofSeconds(10)).build();
		AtomicInteger next = new AtomicInteger();
		Set<String> mismatches = ConcurrentHashMap.newKeySet();
		AtomicInteger checked = new AtomicInteger();
		List<Future<?>> workers = new ArrayList<>();
		ExecutorService senders = Executors.newFixedThreadPool(CLIENT_THREADS);
		try {
			for (int t = 0; t < CLIENT_THREADS; t++) {
				workers.add(senders.submit(() -> {
					for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
						String id = "req-" + i + "-" + Integer.toHexString(i * 31 + 7);
						HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
							.header("X-Request-Id", id)
							.header("X-Tenant-Id", "tenant-" + (i % 7))
							.timeout(Duration.ofSeconds(30))
							.build();
						HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
						String expected = id + "/" + id + "/true";
						String[] hops = response.body().split(",");
						boolean ok = response.statusCode() == 200 && hops.length == 5;
						for (String hop : hops) {
							ok &= hop.equals(expected);
						}
						if (!ok && mismatches.size() < 20) {
							mismatches.add(id + " -> " + response.statusCode() + " " + response.body());
						}
						checked.incrementAndGet();
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(10, TimeUnit.MINUTES);
			}
		}
		finally {
			senders.shutdownNow();
			clients.shutdownNow();
		}
		assertThat(mismatches).as("responses whose hops did not see exactly their own request").isEmpty();
		assertThat(checked.get()).isEqualTo(REQUESTS);
	}

}
