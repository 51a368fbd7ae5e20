package dev.safemap.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A downstream service over real HTTP whose answers, failures and latency the test sets:
 * {@code GET /prices/{symbol}} answers the configured body for the symbol (200), 500 when failing,
 * after the configured latency.
 */
final class DownstreamStub implements AutoCloseable {

	enum Mode {

		HEALTHY, FAILING

	}

	private final HttpServer server;

	private final Map<String, String> answers = new ConcurrentHashMap<>();

	private final AtomicInteger calls = new AtomicInteger();

	private volatile Mode mode = Mode.HEALTHY;

	private volatile Duration latency = Duration.ZERO;

	DownstreamStub() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newFixedThreadPool(16, (runnable) -> {
			Thread thread = new Thread(runnable, "downstream-stub");
			thread.setDaemon(true);
			return thread;
		}));
		this.server.createContext("/prices/", this::handle);
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	void answer(String symbol, String body) {
		this.answers.put(symbol, body);
	}

	void mode(Mode mode) {
		this.mode = mode;
	}

	void latency(Duration latency) {
		this.latency = latency;
	}

	int calls() {
		return this.calls.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.calls.incrementAndGet();
		try {
			long millis = this.latency.toMillis();
			if (millis > 0) {
				Thread.sleep(millis);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		String symbol = exchange.getRequestURI().getPath().substring("/prices/".length());
		int status;
		byte[] body;
		if (this.mode == Mode.FAILING) {
			status = 500;
			body = "downstream failing".getBytes(StandardCharsets.UTF_8);
		}
		else {
			status = 200;
			body = this.answers.getOrDefault(symbol, "").getBytes(StandardCharsets.UTF_8);
		}
		exchange.getResponseHeaders().add("Content-Type", "text/plain");
		try {
			exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
			if (body.length > 0) {
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		}
		catch (IOException ex) {
			// the client gave up (read timeout): nothing to answer
		}
		finally {
			exchange.close();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
