package dev.safemap.context;

import java.util.List;

import org.slf4j.MDC;

/**
 * Holds the current {@link RequestContext} of each thread and mirrors the policy's MDC keys into
 * the SLF4J MDC. An empty context is never stored: the thread-local's value is set to null, so a
 * pooled thread keeps no reference to any context once a task ends.
 * <p>
 * The thread-local entry itself is kept (null value) rather than removed: every propagated task
 * sets a context and clears it again, and removing the entry would make each task allocate a new
 * {@code ThreadLocalMap} entry and expunge it afterwards. A null-valued entry references neither a
 * context nor a SafeMap class (the key is a plain {@link ThreadLocal}), so it pins nothing.
 * <p>
 * MDC work is proportional to the policy's MDC keys (none by default for a plain policy): when a
 * context becomes current on a thread that had none, its MDC values are put; when it is cleared,
 * they are removed; when one context replaces another, only the keys that the new policy does not
 * mirror are removed, the others are overwritten.
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
		if (context.isEmpty()) {
			if (previous == null) {
				return RequestContext.empty();
			}
			CURRENT.set(null);
			removeMdc(previous);
			return previous;
		}
		CURRENT.set(context);
		if (previous == null) {
			putMdc(context);
			return RequestContext.empty();
		}
		if (!previous.policy().mdcKeys().equals(context.policy().mdcKeys())) {
			removeMdc(previous);
		}
		putMdc(context);
		return previous;
	}

	static void clear() {
		RequestContext previous = CURRENT.get();
		if (previous != null) {
			CURRENT.set(null);
			removeMdc(previous);
		}
	}

	/** Puts the context's MDC values; a mirrored key the context lacks is removed from the MDC. */
	private static void putMdc(RequestContext context) {
		List<String> keys = context.policy().mdcKeys();
		String[] values = context.mdcValues();
		for (int i = 0; i < values.length; i++) {
			String value = values[i];
			if (value != null) {
				MDC.put(keys.get(i), value);
			}
			else {
				MDC.remove(keys.get(i));
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
