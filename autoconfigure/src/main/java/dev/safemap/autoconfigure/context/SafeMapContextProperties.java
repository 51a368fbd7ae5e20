package dev.safemap.autoconfigure.context;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the request context ({@code safemap.context.*}): which request headers are
 * captured, the limits every context is held to, which values go to the MDC and where the context
 * is propagated. The limit defaults are those of {@code RequestContextPolicy.DEFAULT_*}, written as
 * literals so that they appear in the IDE metadata.
 * <p>
 * Thread-safety: bound once at startup and then only read; not safe for concurrent modification.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.context")
public class SafeMapContextProperties {

	/**
	 * Whether to build a request context for each web request and propagate it.
	 */
	private boolean enabled = true;

	/**
	 * Request headers copied into the context, stored under their lower-case name. Must be valid
	 * header names (RFC 7230 tokens). Authorization, Proxy-Authorization, Cookie and Set-Cookie are
	 * never copied, even when listed.
	 */
	private List<String> headers = new ArrayList<>(List.of("X-Request-Id", "X-Tenant-Id", "traceparent",
			"Accept-Language"));

	/**
	 * Request header that carries the request id, stored under the "requestId" key.
	 */
	private String requestIdHeader = "X-Request-Id";

	/**
	 * Whether to generate a random request id (a UUID) when the request has none.
	 */
	private boolean generateRequestId = true;

	/**
	 * Whether to send the request id back in a response header of the same name.
	 */
	private boolean echoRequestId = false;

	/**
	 * Maximum number of entries in a context; further entries are dropped and counted.
	 */
	private int maxEntries = 32;

	/**
	 * Maximum length of a key, in characters; entries with longer keys are dropped and counted.
	 */
	private int maxKeyLength = 64;

	/**
	 * Maximum length of a value, in characters; longer values are cut and counted.
	 */
	private int maxValueLength = 256;

	/**
	 * Context keys mirrored into the SLF4J MDC (under the same names) while a request or a task that
	 * received its context runs.
	 */
	private List<String> mdcKeys = new ArrayList<>(List.of("requestId", "x-tenant-id"));

	/**
	 * Order of the servlet filter and of the WebFilter that build the context. The default runs just
	 * after Spring Security's filter chain (-100), so customizers can read the authenticated
	 * principal.
	 */
	private int filterOrder = -99;

	private final Propagation propagation = new Propagation();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(List<String> headers) {
		this.headers = headers;
	}

	public String getRequestIdHeader() {
		return this.requestIdHeader;
	}

	public void setRequestIdHeader(String requestIdHeader) {
		this.requestIdHeader = requestIdHeader;
	}

	public boolean isGenerateRequestId() {
		return this.generateRequestId;
	}

	public void setGenerateRequestId(boolean generateRequestId) {
		this.generateRequestId = generateRequestId;
	}

	public boolean isEchoRequestId() {
		return this.echoRequestId;
	}

	public void setEchoRequestId(boolean echoRequestId) {
		this.echoRequestId = echoRequestId;
	}

	public int getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public void setMaxKeyLength(int maxKeyLength) {
		this.maxKeyLength = maxKeyLength;
	}

	public int getMaxValueLength() {
		return this.maxValueLength;
	}

	public void setMaxValueLength(int maxValueLength) {
		this.maxValueLength = maxValueLength;
	}

	public List<String> getMdcKeys() {
		return this.mdcKeys;
	}

	public void setMdcKeys(List<String> mdcKeys) {
		this.mdcKeys = mdcKeys;
	}

	public int getFilterOrder() {
		return this.filterOrder;
	}

	public void setFilterOrder(int filterOrder) {
		this.filterOrder = filterOrder;
	}

	public Propagation getPropagation() {
		return this.propagation;
	}

	/**
	 * Where the context is propagated automatically.
	 * <p>
	 * Thread-safety: bound once at startup and then only read.
	 *
	 * @since 0.1.0
	 */
	public static class Propagation {

		/**
		 * Whether to register a ContextPropagatingTaskDecorator bean so that Spring Boot's task
		 * executor (@Async) and task scheduler carry the context. Skipped when such a decorator bean
		 * exists or spring.task.execution.propagate-context is true (Boot registers one then).
		 */
		private boolean taskExecutors = true;

		/**
		 * Whether to switch on Reactor's automatic context propagation
		 * (Hooks.enableAutomaticContextPropagation) when Reactor is present.
		 */
		private boolean reactor = true;

		/**
		 * Whether to give Resilience4j's time limiter a context-aware scheduler that carries the
		 * context to its timeout threads (and fallbacks run there), unless the application defines
		 * one (resilience4j.scheduled.executor.*).
		 */
		private boolean resilience4j = true;

		public boolean isTaskExecutors() {
			return this.taskExecutors;
		}

		public void setTaskExecutors(boolean taskExecutors) {
			this.taskExecutors = taskExecutors;
		}

		public boolean isReactor() {
			return this.reactor;
		}

		public void setReactor(boolean reactor) {
			this.reactor = reactor;
		}

		public boolean isResilience4j() {
			return this.resilience4j;
		}

		public void setResilience4j(boolean resilience4j) {
			this.resilience4j = resilience4j;
		}

	}

}
