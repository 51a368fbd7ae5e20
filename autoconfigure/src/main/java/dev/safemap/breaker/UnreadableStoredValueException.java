package dev.safemap.breaker;

import java.io.Serial;

/**
 * Thrown by a {@link FallbackStore} when what it holds for a key is not a stored value it can read safely: bytes
 * in another format (Java serialization, for example, which SafeMap never reads), a value of another type than the
 * cache declares, or data that names a class to instantiate. The fallback cache treats the key as a miss, counts
 * the value ({@link FallbackCacheStats#valuesUnreadable()}, {@link FallbackCacheListener#onValueUnreadable}) and
 * logs it; a store may throw it wrapped in another exception.
 * <p>
 * Thread-safety: immutable once thrown.
 *
 * @since 0.1.0
 */
public class UnreadableStoredValueException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what was refused and why (never the value itself)
	 * @param cause the parser's failure, or null
	 */
	public UnreadableStoredValueException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause);
	}

}
