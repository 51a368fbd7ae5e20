package dev.safemap.context;

import java.util.List;

import org.slf4j.MDC;

/**
 * Holds the current {@link RequestContext} of each thread and mirrors the policy's MDC keys into
 * the SLF4J MDC. An empty context is never stored: the thread-local is removed instead, so a pooled
 * thread keeps no reference once a task ends.
 * <p>
 * Thread-safety: all state is per thread.
 */
final class RequestContextHolder {

	private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

	private RequestContextHolder() {
	}

	static RequestContext get() {
		RequestContext context = CURRENT.get();
		return (context != null) ? context : RequestContext.empty();
	}

	/** Returns the context stored on this thread, or null when there is none. */
	static RequestContext getOrNull() {
		return CURRENT.get();
	}

	/**
	 * Makes a context current and returns the previous one (the empty context when there was none).
	 * Setting the context that is already current does nothing, so a hop that shares the same
	 * snapshot costs one thread-local read.
	 */
	static RequestContext set(RequestContext context) {
		RequestContext previous = CURRENT.get();
		if (previous == context) {
			return context;
		}
		if (previous != null) {
			removeMdc(previous);
		}
		if (context.isEmpty()) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(context);
			putMdc(context);
		}
		return (previous != null) ? previous : RequestContext.empty();
	}

	static void clear() {
		RequestContext previous = CURRENT.get();
		if (previous != null) {
			removeMdc(previous);
			CURRENT.remove();
		}
	}

	private static void putMdc(RequestContext context) {
		List<String> keys = context.policy().mdcKeys();
		for (int i = 0; i < keys.size(); i++) {
			String key = keys.get(i);
			String value = context.asMap().get(key);
			if (value != null) {
				MDC.put(key, value);
			}
			else {
				MDC.remove(key);
			}
		}
	}

	private static void removeMdc(RequestContext context) {
		List<String> keys = context.policy().mdcKeys();
		for (int i = 0; i < keys.size(); i++) {
			MDC.remove(keys.get(i));
		}
	}

}
