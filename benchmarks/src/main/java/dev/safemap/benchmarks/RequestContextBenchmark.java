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

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextCustomizer;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.context.RequestContextViolationListener;
import dev.safemap.web.RequestContextFactory;
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
 * executor (snapshot factory with {@code clearMissing(true)}, as SafeMap's), per {@link HopMode}. The
 * figure the request-context target is about is the extra cost per hop of SafeMap's accessor against
 * the same executor with no accessor registered, {@code SAFEMAP - NO_ACCESSOR}; with the starter's
 * default MDC mirroring (two keys) it is {@code SAFEMAP_MDC - NO_ACCESSOR_MDC}, each against a
 * baseline with a context of the same policy current, so that the harness's own MDC work cancels
 * out. {@code PLAIN_ACCESSOR - NO_ACCESSOR} is what context-propagation costs for any one value
 * (the textbook accessor over a plain {@link ThreadLocal}, set and remove): mostly the snapshot,
 * previous-values map and scope that context-propagation allocates for every hop that carries a
 * value, whatever the accessor. The naive baseline copies a 16-entry {@link HashMap} on every hop; its ratio is reported on
 * the extra cost, {@code (SAFEMAP - NO_ACCESSOR) / (NAIVE_COPY - NO_ACCESSOR)}, and on the whole
 * hop.</li>
 * </ul>
 * The executor runs the task on the calling thread but, like a pool thread between tasks, with no
 * value set: it clears the request context, the naive map and the plain thread-local around the
 * task and restores them afterwards. Every mode has all three set, so this harness cost is the
 * same in every mode of one policy, and the differences are the propagation cost alone, without
 * the noise of a real thread hand-off.
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
			// the policy of the starter's defaults (safemap.context.*): limits and the MDC keys it mirrors
			RequestContextFactory.Builder builder = RequestContextFactory.builder()
				.policy(RequestContextPolicy.builder()
					.mdcKeys(List.of("requestId", "x-tenant-id"))
					.violationListener(RequestContextViolationListener.NONE)
					.build());
			for (String header : HEADERS) {
				builder.header(header);
			}
			this.factory = builder.build();
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

		/** Baseline: the same wrapped executor, no accessor registered, a context without MDC keys current. */
		NO_ACCESSOR,
		/** Baseline for {@link #SAFEMAP_MDC}: no accessor registered, a context with two MDC keys current. */
		NO_ACCESSOR_MDC,
		/**
		 * Diagnostic floor: the textbook accessor over a plain {@link ThreadLocal} (set / remove), i.e.
		 * what context-propagation itself costs to carry any one value.
		 */
		PLAIN_ACCESSOR,
		/** SafeMap's accessor, a context whose policy mirrors no MDC key. */
		SAFEMAP,
		/**
		 * SafeMap's accessor registered after {@link #PLAIN_ACCESSOR}'s, both with a value: the marginal
		 * cost of SafeMap's accessor in a registry that already propagates something (as in an
		 * application with Micrometer Observation), {@code PLAIN_AND_SAFEMAP - PLAIN_ACCESSOR}.
		 */
		PLAIN_AND_SAFEMAP,
		/** SafeMap's accessor with two MDC keys mirrored, the starter's default configuration. */
		SAFEMAP_MDC,
		/** A naive accessor that copies a 16-entry {@link HashMap} on every hop. */
		NAIVE_COPY

	}

	/** Hop: a wrapped executor and a current context on the benchmark thread. */
	@State(Scope.Thread)
	public static class HopState {

		static final ThreadLocal<Map<String, String>> NAIVE = new ThreadLocal<>();

		static final ThreadLocal<Object> PLAIN = new ThreadLocal<>();

		@Param({ "NO_ACCESSOR", "NO_ACCESSOR_MDC", "PLAIN_ACCESSOR", "SAFEMAP", "PLAIN_AND_SAFEMAP", "SAFEMAP_MDC",
				"NAIVE_COPY" })
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
				case PLAIN_ACCESSOR -> registry.registerThreadLocalAccessor(new PlainAccessor());
				case PLAIN_AND_SAFEMAP -> registry.registerThreadLocalAccessor(new PlainAccessor())
					.registerThreadLocalAccessor(new RequestContextAccessor());
				case NAIVE_COPY -> registry.registerThreadLocalAccessor(new NaiveCopyingAccessor());
				case NO_ACCESSOR, NO_ACCESSOR_MDC -> {
				}
			}
			ContextSnapshotFactory factory = ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
			this.executor = ContextExecutorService.wrap(new FreshThreadDirectExecutor(), () -> factory.captureAll());
			boolean mdc = this.mode == HopMode.SAFEMAP_MDC || this.mode == HopMode.NO_ACCESSOR_MDC;
			RequestContextPolicy policy = mdc
					? RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID, "x-tenant-id")).build()
					: RequestContextPolicy.defaults();
			RequestContext.Builder builder = RequestContext.builder(policy);
			Map<String, String> naive = new LinkedHashMap<>();
			for (String header : HEADERS) {
				String key = (header.equals("X-Request-Id")) ? RequestContext.REQUEST_ID : header.toLowerCase(Locale.ROOT);
				builder.put(key, key + "-value-0123456789");
				naive.put(key, key + "-value-0123456789");
			}
			// every mode has all three values current, so the harness (which clears and restores all
			// three around the task) costs the same in every mode; only what the task reads differs
			RequestContext context = builder.build();
			NAIVE.set(naive);
			PLAIN.set(context);
			this.scope = context.open();
			this.task = switch (this.mode) {
				case NAIVE_COPY -> () -> this.sink = NAIVE.get();
				case PLAIN_ACCESSOR -> () -> this.sink = PLAIN.get();
				default -> () -> this.sink = RequestContext.current();
			};
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.scope.close();
			NAIVE.remove();
			PLAIN.remove();
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

	/** The textbook accessor (as in context-propagation's documentation): a plain thread-local, by reference. */
	static final class PlainAccessor implements ThreadLocalAccessor<Object> {

		@Override
		public Object key() {
			return "plain";
		}

		@Override
		public Object getValue() {
			return HopState.PLAIN.get();
		}

		@Override
		public void setValue(Object value) {
			HopState.PLAIN.set(value);
		}

		@Override
		public void setValue() {
			HopState.PLAIN.remove();
		}

	}

	/**
	 * Runs each task on the calling thread, with none of the three values set while it runs (as on a
	 * fresh pool thread), and puts the caller's values back afterwards. Same cost in every mode that
	 * shares a policy (the MDC modes also clear and restore two MDC keys).
	 */
	static final class FreshThreadDirectExecutor extends AbstractExecutorService {

		@Override
		public void execute(Runnable command) {
			Map<String, String> naive = HopState.NAIVE.get();
			Object plain = HopState.PLAIN.get();
			HopState.NAIVE.remove();
			HopState.PLAIN.remove();
			try (RequestContext.Scope cleared = RequestContext.empty().open()) {
				command.run();
			}
			finally {
				HopState.NAIVE.set(naive);
				HopState.PLAIN.set(plain);
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
