package dev.safemap.context;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Limits, sanitizing rules and MDC mirroring applied to every {@link RequestContext} built with it.
 * <p>
 * Every entry offered to a context goes through these steps, in order:
 * <ol>
 * <li>control characters ({@link Character#isISOControl(char) ISO controls} such as CR, LF, TAB,
 * NUL and DEL, the Unicode line and paragraph separators, bidirectional overrides, isolates and marks,
 * zero-width characters and lone surrogates: see {@link #removeControlCharacters(String)}) are removed
 * from the key and the value ({@link RequestContextViolation#CONTROL_CHARACTERS_REMOVED});</li>
 * <li>an entry whose key is then empty is dropped ({@link RequestContextViolation#EMPTY_KEY});</li>
 * <li>an entry whose key is a credential header name ({@code Authorization},
 * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie}, any case) is dropped
 * ({@link RequestContextViolation#SENSITIVE_KEY_DROPPED}): this cannot be switched off;</li>
 * <li>an entry whose key is longer than {@link #maxKeyLength()} is dropped
 * ({@link RequestContextViolation#KEY_TOO_LONG}): a cut key could collide with another;</li>
 * <li>a value longer than {@link #maxValueLength()} is cut to that length (never inside a surrogate pair)
 * ({@link RequestContextViolation#VALUE_TRUNCATED});</li>
 * <li>a new key beyond {@link #maxEntries()} is dropped ({@link RequestContextViolation#TOO_MANY_ENTRIES});
 * replacing the value of a key already present is always allowed. The first entries offered win.</li>
 * </ol>
 * An entry with an empty value is kept. Lengths count UTF-16 {@code char}s.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestContextPolicy {

	/** Default maximum number of entries: {@value}. */
	public static final int DEFAULT_MAX_ENTRIES = 32;

	/** Default maximum key length: {@value} characters. */
	public static final int DEFAULT_MAX_KEY_LENGTH = 64;

	/** Default maximum value length: {@value} characters. */
	public static final int DEFAULT_MAX_VALUE_LENGTH = 256;

	/** Largest accepted {@link #maxEntries()}: {@value}. */
	public static final int MAX_ENTRIES_LIMIT = 1024;

	/** Largest accepted {@link #maxKeyLength()}: {@value}. */
	public static final int MAX_KEY_LENGTH_LIMIT = 1024;

	/** Largest accepted {@link #maxValueLength()}: {@value}. */
	public static final int MAX_VALUE_LENGTH_LIMIT = 16384;

	/** Keys that are never stored, compared without regard to case. */
	public static final Set<String> SENSITIVE_KEYS = Set.of("authorization", "proxy-authorization", "cookie",
			"set-cookie");

	private static final RequestContextPolicy DEFAULTS = builder().build();

	private final int maxEntries;

	private final int maxKeyLength;

	private final int maxValueLength;

	private final List<String> mdcKeys;

	private final RequestContextViolationListener listener;

	private RequestContextPolicy(Builder builder) {
		this.maxEntries = builder.maxEntries;
		this.maxKeyLength = builder.maxKeyLength;
		this.maxValueLength = builder.maxValueLength;
		this.mdcKeys = List.copyOf(builder.mdcKeys);
		this.listener = builder.listener;
	}

	/**
	 * Returns the default policy: {@value #DEFAULT_MAX_ENTRIES} entries, keys of up to
	 * {@value #DEFAULT_MAX_KEY_LENGTH} characters, values of up to {@value #DEFAULT_MAX_VALUE_LENGTH}
	 * characters, nothing mirrored into the MDC, violations ignored.
	 * @return the default policy
	 */
	public static RequestContextPolicy defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts a policy with the default values.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts a builder for a context that follows this policy.
	 * @return a new context builder
	 */
	public RequestContext.Builder newContext() {
		return new RequestContext.Builder(this);
	}

	/** @return the maximum number of entries of a context */
	public int maxEntries() {
		return this.maxEntries;
	}

	/** @return the maximum length of a key, in characters */
	public int maxKeyLength() {
		return this.maxKeyLength;
	}

	/** @return the maximum length of a value, in characters */
	public int maxValueLength() {
		return this.maxValueLength;
	}

	/** @return the context keys mirrored into the SLF4J MDC (under the same names), unmodifiable */
	public List<String> mdcKeys() {
		return this.mdcKeys;
	}

	/** @return the listener told about every violation */
	public RequestContextViolationListener violationListener() {
		return this.listener;
	}

	/**
	 * Tells whether a key names a credential that is never propagated.
	 * @param key a key or header name
	 * @return whether the key is {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}
	 * or {@code Set-Cookie}, in any case
	 */
	public static boolean isSensitive(String key) {
		// allocation-free: this runs for every entry of every request
		int start = 0;
		int end = key.length();
		while (start < end && key.charAt(start) <= ' ') {
			start++;
		}
		while (end > start && key.charAt(end - 1) <= ' ') {
			end--;
		}
		int length = end - start;
		return switch (length) {
			case 6 -> key.regionMatches(true, start, "cookie", 0, 6);
			case 10 -> key.regionMatches(true, start, "set-cookie", 0, 10);
			case 13 -> key.regionMatches(true, start, "authorization", 0, 13);
			case 19 -> key.regionMatches(true, start, "proxy-authorization", 0, 19);
			default -> false;
		};
	}

	/**
	 * Removes control and invisible formatting characters from text: ISO controls (CR, LF, TAB, NUL, DEL, ...),
	 * Unicode line and paragraph separators, bidirectional embeddings, overrides, isolates and marks
	 * (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), zero-width characters (U+200B to U+200D,
	 * U+FEFF) and lone surrogates. These can split a log line or disguise a value in a log or a header.
	 * @param text the text, not null
	 * @return the cleaned text (the same instance when there was nothing to remove)
	 */
	public static String removeControlCharacters(String text) {
		int length = text.length();
		int first = -1;
		for (int i = 0; i < length; i++) {
			if (isRemoved(text, i)) {
				first = i;
				break;
			}
		}
		if (first < 0) {
			return text;
		}
		StringBuilder clean = new StringBuilder(length - 1);
		clean.append(text, 0, first);
		for (int i = first + 1; i < length; i++) {
			if (!isRemoved(text, i)) {
				clean.append(text.charAt(i));
			}
		}
		return clean.toString();
	}

	/**
	 * Cuts text to at most a number of chars without splitting a surrogate pair.
	 * @param text the text
	 * @param maxLength the most chars to keep
	 * @return the text, or its longest prefix of whole code points within maxLength
	 */
	static String truncate(String text, int maxLength) {
		if (text.length() <= maxLength) {
			return text;
		}
		int end = maxLength;
		if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
			end--;
		}
		return text.substring(0, end);
	}

	private static boolean isRemoved(String text, int i) {
		char c = text.charAt(i);
		if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u061C' || c == '\uFEFF'
				|| (c >= '\u200B' && c <= '\u200F') || (c >= '\u202A' && c <= '\u202E')
				|| (c >= '\u2066' && c <= '\u2069')) {
			return true;
		}
		if (Character.isHighSurrogate(c)) {
			return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
		}
		if (Character.isLowSurrogate(c)) {
			return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
		}
		return false;
	}

	void report(RequestContextViolation violation, String key) {
		try {
			this.listener.onViolation(violation, truncate(key, this.maxKeyLength));
		}
		catch (RuntimeException ex) {
			// a broken metrics listener must never break the request that is being built
		}
	}

	@Override
	public String toString() {
		return "RequestContextPolicy[maxEntries=" + this.maxEntries + ", maxKeyLength=" + this.maxKeyLength
				+ ", maxValueLength=" + this.maxValueLength + ", mdcKeys=" + this.mdcKeys + "]";
	}

	/**
	 * Builds a {@link RequestContextPolicy}.
	 * <p>
	 * Thread-safety: a builder is not thread-safe; use it from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int maxEntries = DEFAULT_MAX_ENTRIES;

		private int maxKeyLength = DEFAULT_MAX_KEY_LENGTH;

		private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;

		private final Set<String> mdcKeys = new LinkedHashSet<>();

		private RequestContextViolationListener listener = RequestContextViolationListener.NONE;

		private Builder() {
		}

		/**
		 * Sets the maximum number of entries.
		 * @param maxEntries from 1 to {@value RequestContextPolicy#MAX_ENTRIES_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException if out of range
		 */
		public Builder maxEntries(int maxEntries) {
			this.maxEntries = checkRange("maxEntries", maxEntries, MAX_ENTRIES_LIMIT);
			return this;
		}

		/**
		 * Sets the maximum key length.
		 * @param maxKeyLength from 1 to {@value RequestContextPolicy#MAX_KEY_LENGTH_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException if out of range
		 */
		public Builder maxKeyLength(int maxKeyLength) {
			this.maxKeyLength = checkRange("maxKeyLength", maxKeyLength, MAX_KEY_LENGTH_LIMIT);
			return this;
		}

		/**
		 * Sets the maximum value length.
		 * @param maxValueLength from 1 to {@value RequestContextPolicy#MAX_VALUE_LENGTH_LIMIT}
		 * @return this builder
		 * @throws IllegalArgumentException if out of range
		 */
		public Builder maxValueLength(int maxValueLength) {
			this.maxValueLength = checkRange("maxValueLength", maxValueLength, MAX_VALUE_LENGTH_LIMIT);
			return this;
		}

		/**
		 * Sets the context keys mirrored into the SLF4J MDC while a context is current.
		 * @param mdcKeys the keys, none empty or sensitive
		 * @return this builder
		 * @throws NullPointerException if mdcKeys or one of them is null
		 * @throws IllegalArgumentException if a key is empty, holds control characters or is sensitive
		 */
		public Builder mdcKeys(Collection<String> mdcKeys) {
			Objects.requireNonNull(mdcKeys, "mdcKeys must not be null");
			this.mdcKeys.clear();
			for (String key : mdcKeys) {
				Objects.requireNonNull(key, "mdcKeys must not contain null");
				if (key.isEmpty() || !removeControlCharacters(key).equals(key)) {
					throw new IllegalArgumentException("MDC key must be non-empty text without control characters but was '"
							+ removeControlCharacters(key) + "'");
				}
				if (isSensitive(key)) {
					throw new IllegalArgumentException("MDC key '" + key + "' names a credential and is never propagated");
				}
				this.mdcKeys.add(key);
			}
			return this;
		}

		/**
		 * Sets the listener told about each dropped, cut or cleaned entry.
		 * @param listener the listener, not null
		 * @return this builder
		 * @throws NullPointerException if listener is null
		 */
		public Builder violationListener(RequestContextViolationListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener must not be null");
			return this;
		}

		/** @return the policy */
		public RequestContextPolicy build() {
			return new RequestContextPolicy(this);
		}

		private static int checkRange(String name, int value, int max) {
			if (value < 1 || value > max) {
				throw new IllegalArgumentException(name + " must be between 1 and " + max + " but was " + value);
			}
			return value;
		}

	}

}
