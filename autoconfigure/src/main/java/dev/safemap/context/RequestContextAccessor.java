package dev.safemap.context;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * The one Micrometer context-propagation {@link ThreadLocalAccessor} for {@link RequestContext}:
 * registered in a {@link io.micrometer.context.ContextRegistry}, it lets every context-propagation
 * aware mechanism (Spring's {@code ContextPropagatingTaskDecorator}, {@code ContextExecutorService},
 * Reactor's automatic context propagation) carry the current context to another thread.
 * <p>
 * The same immutable snapshot is handed over by reference; no hop copies it. An empty context is
 * reported as absent ({@link #getValue()} returns null), so no null and no empty context is ever
 * put into a snapshot. Setting or restoring a value also sets or restores the policy's MDC keys.
 * <p>
 * Thread-safety: stateless and thread-safe; it acts on the calling thread's context.
 *
 * @since 0.1.0
 */
public final class RequestContextAccessor implements ThreadLocalAccessor<RequestContext> {

	/**
	 * Key of this accessor in the {@code ContextRegistry}, also used as the Reactor
	 * {@code Context} key: {@value}.
	 */
	public static final String KEY = "dev.safemap.context.RequestContext";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable RequestContext getValue() {
		return RequestContextHolder.getOrNull();
	}

	@Override
	public void setValue(RequestContext value) {
		RequestContextHolder.set(value);
	}

	@Override
	public void setValue() {
		RequestContextHolder.clear();
	}

	@Override
	public void restore(RequestContext previousValue) {
		RequestContextHolder.set(previousValue);
	}

	@Override
	public void restore() {
		RequestContextHolder.clear();
	}

	@Override
	public String toString() {
		return "RequestContextAccessor[" + KEY + "]";
	}

}
