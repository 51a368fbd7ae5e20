package dev.safemap.breaker;

import org.jspecify.annotations.Nullable;

/**
 * Tells the caller about the last synchronous answer of a fallback cache on the current thread:
 * was it stale, and how old.
 * <p>
 * {@code FallbackCache.call}, {@code callForResult} and the Spring annotation on methods with a
 * plain or {@code Optional} return type record their answer here. Asynchronous calls do not (their
 * answer arrives on another thread): use {@code callAsyncForResult} instead.
 * {@snippet :
 * Price price = priceService.price("ACME");          // annotated with @FallbackCached
 * FallbackResult<?> last = FallbackContext.lastAnswer();
 * if (last != null && last.isStale()) {
 *     response.setHeader("Warning", "110 - stale for " + last.age().toSeconds() + "s");
 * }
 * }
 * <p>
 * Thread-safety: this class is thread-safe; each thread sees only its own last answer.
 *
 * @since 0.1.0
 */
public final class FallbackContext {

	private static final ThreadLocal<@Nullable FallbackResult<?>> LAST = new ThreadLocal<>();

	private FallbackContext() {
	}

	/**
	 * Returns the last answer a fallback cache gave on this thread.
	 * @return the last answer, or null if there was none since the last {@link #clear()}
	 */
	public static @Nullable FallbackResult<?> lastAnswer() {
		return LAST.get();
	}

	/**
	 * Forgets the last answer of this thread (for example at the end of a request on a pooled
	 * thread).
	 */
	public static void clear() {
		LAST.remove();
	}

	static void record(FallbackResult<?> result) {
		LAST.set(result);
	}

}
