package dev.safemap.compensation;

import java.util.Map;
import java.util.Objects;

import dev.safemap.context.RequestContextPolicy;

/**
 * Seam between the compensation queue and the request context: captures the context when a write is
 * enqueued and restores it around the replay. {@link #requestContext()} carries SafeMap's request context (the
 * auto-configuration's default); {@link #none()} captures nothing.
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface ContextPropagator {

	/**
	 * Captures the context of the current thread.
	 * @return an immutable snapshot as text key-value pairs (empty when there is none)
	 */
	Map<String, String> capture();

	/**
	 * Makes a captured context current on this thread until the returned scope is closed.
	 * @param context a snapshot returned by {@link #capture()}
	 * @return the scope to close
	 */
	CompensationContext.Scope restore(Map<String, String> context);

	/**
	 * Returns a propagator that captures and restores nothing.
	 * @return the no-op propagator
	 */
	static ContextPropagator none() {
		return NoContextPropagator.INSTANCE;
	}

	/**
	 * Returns a propagator over SafeMap's {@code RequestContext}: captures {@code RequestContext.current()} at
	 * enqueue and makes it current again (rebuilt with the default policy) around the replay.
	 * @return the request-context propagator
	 * @see #requestContext(RequestContextPolicy)
	 */
	static ContextPropagator requestContext() {
		return RequestContextPropagation.INSTANCE;
	}

	/**
	 * Returns a propagator over SafeMap's {@code RequestContext} that rebuilds the stored context with the given
	 * policy around the replay (its limits, MDC keys and violation listener), as the context of a request is built.
	 * @param policy the policy the application's request contexts follow
	 * @return the request-context propagator
	 * @throws NullPointerException if policy is null
	 */
	static ContextPropagator requestContext(RequestContextPolicy policy) {
		return new RequestContextPropagation(Objects.requireNonNull(policy, "policy must not be null"));
	}

}

enum NoContextPropagator implements ContextPropagator {

	INSTANCE;

	@Override
	public Map<String, String> capture() {
		return Map.of();
	}

	@Override
	public CompensationContext.Scope restore(Map<String, String> context) {
		return () -> {
		};
	}

}
