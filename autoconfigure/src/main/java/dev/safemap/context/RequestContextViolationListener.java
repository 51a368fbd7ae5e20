package dev.safemap.context;

/**
 * Told about every entry the {@link RequestContextPolicy} dropped, shortened or cleaned, for
 * example to count it in a metric. Implementations must be fast and must not throw: an exception is
 * caught and ignored so that a broken listener can never break a request.
 * <p>
 * Thread-safety: called concurrently from request threads; implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestContextViolationListener {

	/** A listener that ignores every violation. */
	RequestContextViolationListener NONE = (violation, key) -> {
	};

	/**
	 * Called once per violation.
	 * @param violation what was done to the entry
	 * @param key the entry's key after sanitizing, cut to the maximum key length (it may be personal
	 * data: mask it with {@link dev.safemap.support.KeyMasker} before showing it)
	 */
	void onViolation(RequestContextViolation violation, String key);

}
