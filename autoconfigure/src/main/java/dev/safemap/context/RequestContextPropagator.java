package dev.safemap.context;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.resilience4j.core.ContextPropagator;

/**
 * Resilience4j {@link ContextPropagator} that carries the {@link RequestContext} (and its MDC
 * values) to the threads of a {@code ContextAwareScheduledThreadPoolExecutor} (time limiter
 * timeouts and the fallbacks that run on them) or a thread-pool bulkhead.
 * <p>
 * The SafeMap auto-configuration installs it for the time limiter; to add it to an executor of your
 * own, list it in {@code resilience4j.scheduled.executor.context-propagators} or
 * {@code resilience4j.thread-pool-bulkhead.instances.<name>.context-propagators}.
 * <p>
 * Thread-safety: stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestContextPropagator implements ContextPropagator<RequestContext> {

	/** Creates a propagator; Resilience4j instantiates it by class name, so it has no arguments. */
	public RequestContextPropagator() {
	}

	@Override
	public Supplier<Optional<RequestContext>> retrieve() {
		return () -> Optional.ofNullable(RequestContextHolder.getOrNull());
	}

	@Override
	public Consumer<Optional<RequestContext>> copy() {
		return (value) -> value.ifPresentOrElse(RequestContextHolder::set, RequestContextHolder::clear);
	}

	@Override
	public Consumer<Optional<RequestContext>> clear() {
		return (value) -> RequestContextHolder.clear();
	}

}
