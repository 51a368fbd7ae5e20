package dev.safemap.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import dev.safemap.autoconfigure.RequestContextCustomizer;
import dev.safemap.autoconfigure.RequestContextFactory;
import dev.safemap.autoconfigure.SafeMapContextProperties;
import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.context.RequestContextViolationListener;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the request context.
 * <ul>
 * <li>{@code build}: building the context of a request with 16 allow-listed headers present
 * (sanitizing and bounds included), as the servlet filter and the WebFilter do.</li>
 * <li>{@code hop}: one executor hop through the same {@link ContextExecutorService}-wrapped
 * executor, per {@link HopMode}: no accessor registered (the floor), SafeMap's accessor (shares the
 * immutable snapshot by reference), SafeMap's accessor with two MDC keys mirrored, and a naive
 * accessor that copies a 16-entry {@link HashMap} on every hop (InheritableThreadLocal-style). The
 * extra cost per hop of propagating the context is {@code SAFEMAP - NO_ACCESSOR}; the ratio to the
 * naive baseline is {@code SAFEMAP / NAIVE_COPY}.</li>
 * </ul>
 * The executor runs the task on the calling thread but, like a fresh pool thread, with no context
 * set (it clears both holders around the task); this harness cost is the same in every mode, so the
 * differences are the propagation cost alone, without the noise of a real thread hand-off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
public class RequestContextBenchmark {

	static final String[] HEADERS = { "X-Request-Id", "X-Tenant-Id", "traceparent", "tracestate", "Accept-Language",
			"X-User-Id", "X-Session-Id", "X-Client-Id", "X-Client-Version", "X-Device-Id", "X-Region", "X-Channel",
			"X-Correlation-Id", "X-Feature-Flags", "X-Forwarded-For", "User-Agent" };

	/** Build: a request with the 16 allow-listed headers present. */
	@State(Scope.Benchmark)
	public static class BuildState {

		RequestContextFactory factory;

		RequestContextCustomizer.IncomingRequest request;

		@Setup
		public void setup() {
			SafeMapContextProperties properties = new SafeMapContextProperties();
			properties.setHeaders(List.of(HEADERS));
			this.factory = new RequestContextFactory(properties, RequestContextViolationListener.NONE, List.of());
			// case-insensitive lookup without allocation, like a servlet container's header map
			Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			for (String header : HEADERS) {
				headers.put(header.toLowerCase(Locale.ROOT), header.toLowerCase(Locale.ROOT) + "-value-0123456789");
			}
			headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
			this.request = new MapRequest(headers);
		}

	}

	@Benchmark
	public RequestContext build(BuildState state) {
		return state.factory.create(state.request);
	}

	/** How a hop propagates the request values. */
	public enum HopMode {

		NO_ACCESSOR, SAFEMAP, SAFEMAP_MDC, NAIVE_COPY

	}

	/** Hop: a wrapped executor and a current context on the benchmark thread. */
	@State(Scope.Thread)
	public static class HopState {

		static final ThreadLocal<Map<String, String>> NAIVE = new ThreadLocal<>();

		@Param({ "NO_ACCESSOR", "SAFEMAP", "SAFEMAP_MDC", "NAIVE_COPY" })
		public HopMode mode;

		ExecutorService executor;

		Runnable task;

		Object sink;

		private RequestContext.Scope scope;

		@Setup(Level.Trial)
		public void setup() {
			ContextRegistry registry = new ContextRegistry();
			switch (this.mode) {
				case SAFEMAP, SAFEMAP_MDC -> registry.registerThreadLocalAccessor(new RequestContextAccessor());
				case NAIVE_COPY -> registry.registerThreadLocalAccessor(new NaiveCopyingAccessor());
				case NO_ACCESSOR -> {
				}
			}
			ContextSnapshotFactory factory = ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
			this.executor = ContextExecutorService.wrap(new FreshThreadDirectExecutor(), () -> factory.captureAll());
			RequestContextPolicy policy = (this.mode == HopMode.SAFEMAP_MDC)
					? RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID, "x-tenant-id")).build()
					: RequestContextPolicy.defaults();
			RequestContext.Builder builder = RequestContext.builder(policy);
			Map<String, String> naive = new LinkedHashMap<>();
			for (String header : HEADERS) {
				String key = (header.equals("X-Request-Id")) ? RequestContext.REQUEST_ID : header.toLowerCase(Locale.ROOT);
				builder.put(key, key + "-value-0123456789");
				naive.put(key, key + "-value-0123456789");
			}
			if (this.mode == HopMode.NAIVE_COPY) {
				NAIVE.set(naive);
				this.task = () -> this.sink = NAIVE.get();
			}
			else {
				this.scope = builder.build().open();
				this.task = () -> this.sink = RequestContext.current();
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			if (this.scope != null) {
				this.scope.close();
			}
			NAIVE.remove();
		}

	}

	@Benchmark
	public Object hop(HopState state) {
		state.executor.execute(state.task);
		return state.sink;
	}

	/** Copies the whole map at every capture, as InheritableThreadLocal-style propagation does. */
	static final class NaiveCopyingAccessor implements ThreadLocalAccessor<Map<String, String>> {

		@Override
		public Object key() {
			return "naive";
		}

		@Override
		public Map<String, String> getValue() {
			Map<String, String> current = HopState.NAIVE.get();
			return (current != null) ? new HashMap<>(current) : null;
		}

		@Override
		public void setValue(Map<String, String> value) {
			HopState.NAIVE.set(value);
		}

		@Override
		public void setValue() {
			HopState.NAIVE.remove();
		}

	}

	/**
	 * Runs each task on the calling thread, with no context set while it runs (as on a fresh pool
	 * thread), and puts the caller's values back afterwards. Same cost in every mode.
	 */
	static final class FreshThreadDirectExecutor extends AbstractExecutorService {

		@Override
		public void execute(Runnable command) {
			Map<String, String> naive = HopState.NAIVE.get();
			HopState.NAIVE.remove();
			try (RequestContext.Scope cleared = RequestContext.empty().open()) {
				command.run();
			}
			finally {
				if (naive != null) {
					HopState.NAIVE.set(naive);
				}
			}
		}

		@Override
		public void shutdown() {
		}

		@Override
		public List<Runnable> shutdownNow() {
			return new ArrayList<>();
		}

		@Override
		public boolean isShutdown() {
			return false;
		}

		@Override
		public boolean isTerminated() {
			return false;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}

	}

	record MapRequest(Map<String, String> headers) implements RequestContextCustomizer.IncomingRequest {

		@Override
		public String header(String name) {
			return this.headers.get(name);
		}

		@Override
		public String method() {
			return "GET";
		}

		@Override
		public String path() {
			return "/orders";
		}

		@Override
		public java.security.Principal principal() {
			return null;
		}

	}

}
