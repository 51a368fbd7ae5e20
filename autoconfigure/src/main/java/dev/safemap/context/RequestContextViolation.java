package dev.safemap.context;

/**
 * What the sanitizer had to do to an entry offered to a {@link RequestContext}: every entry that
 * is dropped, shortened or cleaned is reported to the policy's {@link RequestContextViolationListener}
 * with one of these kinds.
 * <p>
 * Thread-safety: an enum, immutable and thread-safe.
 *
 * @since 0.1.0
 */
public enum RequestContextViolation {

	/** Entry dropped because the context already held the maximum number of entries. */
	TOO_MANY_ENTRIES,

	/** Entry dropped because its key (after removing control characters) was longer than allowed. */
	KEY_TOO_LONG,

	/** Value cut to the maximum value length. */
	VALUE_TRUNCATED,

	/** Control characters removed from a key or a value. */
	CONTROL_CHARACTERS_REMOVED,

	/**
	 * Entry dropped because its key names a credential ({@code Authorization},
	 * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie}), which is never propagated.
	 */
	SENSITIVE_KEY_DROPPED,

	/** Entry dropped because its key was empty after removing control characters. */
	EMPTY_KEY

}
