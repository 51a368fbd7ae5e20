package dev.safemap.breaker;

import org.jspecify.annotations.Nullable;

/**
 * Tells the caller about the last synchronous answer of a fallback cache in the current <em>scope</em>: was it
 * stale, and how old.
 * <p>
 * {@code FallbackCache.call}, {@code callForResult} and the Spring annotation on methods with a plain or
 * {@code Optional} return type record their answer in the innermost scope open on the calling thread. An answer is
 * recorded only inside a scope, and a scope keeps it only until it is closed: nothing outlives the piece of work
 * that opened the scope, so the next task on a pooled thread never sees an earlier task's answer (or its value). In
 * a Spring MVC application SafeMap opens one scope per request (a servlet filter); elsewhere (a task on an executor,
 * a message listener, a test) open one yourself:
 * {@snippet :
 * try (FallbackContext.Scope scope = FallbackContext.open()) {
 *     Price price = priceService.price("ACME");          // annotated with @FallbackCached
 *     FallbackResult<?> last = scope.lastAnswer();       // or FallbackContext.lastAnswer()
 *     if (last != null && last.isStale()) {
 *         response.setHeader("Warning", "110 - stale for " + last.age().toSeconds() + "s");
 *     }
 * }
 * }
 * Where a scope does not fit, {@code FallbackCache.callForResult} and {@code callAsyncForResult} return the answer
 * with its source and age and need no scope. Asynchronous calls never record here (their answer arrives on another
 * thread).
 * <p>
 * Thread-safety: this class is thread-safe; each thread sees only the scopes it opened. A {@link Scope} belongs to
 * the thread that opened it and must be closed there.
 *
 * @since 0.1.0
 */
public final class FallbackContext {

	private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

	private FallbackContext() {
	}

	/**
	 * Opens a scope on the current thread, inside the current one if any: answers are recorded in it until it is
	 * closed. Close it on the same thread, with try-with-resources.
	 * @return the new scope
	 */
	public static Scope open() {
		Scope scope = new Scope(CURRENT.get());
		CURRENT.set(scope);
		return scope;
	}

	/**
	 * Returns the last answer a fallback cache gave in the innermost open scope of this thread.
	 * @return the last answer, or null if no scope is open or none was given in it since it was opened (or since
	 * {@link #clear()})
	 */
	public static @Nullable FallbackResult<?> lastAnswer() {
		Scope scope = CURRENT.get();
		return (scope != null) ? scope.last : null;
	}

	/**
	 * Forgets the last answer of the innermost open scope of this thread, if any.
	 */
	public static void clear() {
		Scope scope = CURRENT.get();
		if (scope != null) {
			scope.last = null;
		}
	}

	static void record(FallbackResult<?> result) {
		Scope scope = CURRENT.get();
		if (scope != null) {
			scope.last = result;
		}
	}

	/**
	 * A scope in which fallback answers are recorded, opened by {@link FallbackContext#open()}. Closing it forgets
	 * its answer and makes the scope it was opened in current again; closing an outer scope also ends inner scopes
	 * left open.
	 * <p>
	 * Thread-safety: confined to the thread that opened it.
	 *
	 * @since 0.1.0
	 */
	public static final class Scope implements AutoCloseable {

		private final @Nullable Scope parent;

		private final Thread owner = Thread.currentThread();

		private @Nullable FallbackResult<?> last;

		private Scope(@Nullable Scope parent) {
			this.parent = parent;
		}

		/**
		 * Returns the last answer recorded in this scope.
		 * @return the last answer, or null if there was none
		 */
		public @Nullable FallbackResult<?> lastAnswer() {
			return this.last;
		}

		/**
		 * Closes the scope: forgets its answer and restores the scope it was opened in.
		 * @throws IllegalStateException if called on another thread than the one that opened it
		 */
		@Override
		public void close() {
			if (Thread.currentThread() != this.owner) {
				throw new IllegalStateException("A FallbackContext scope must be closed on the thread that opened it ("
						+ this.owner.getName() + "), but was closed on " + Thread.currentThread().getName());
			}
			this.last = null;
			for (Scope scope = CURRENT.get(); scope != null; scope = scope.parent) {
				if (scope == this) {
					if (this.parent == null) {
						CURRENT.remove();
					}
					else {
						CURRENT.set(this.parent);
					}
					return;
				}
			}
		}

	}

}
