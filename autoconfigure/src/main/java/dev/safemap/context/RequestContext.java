package dev.safemap.context;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * An immutable, bounded snapshot of request values (request id, tenant, {@code traceparent}, ...)
 * that is built once when a request enters and is shared, by reference, with every thread that
 * works for the request.
 * <p>
 * {@link #current()} never returns null: outside a request it is the {@link #empty() empty}
 * context. A context cannot be changed: {@link #asMap()} and all its views throw
 * {@link UnsupportedOperationException} on every mutator, and {@link #with(String, String)} returns
 * a derived copy. To make a context current, use a scope, which always restores the previous
 * context (and the MDC) when it ends:
 * <pre>{@code
 * RequestContext derived = RequestContext.current().with("order-id", orderId);
 * try (RequestContext.Scope scope = derived.open()) {
 *     service.placeOrder();   // sees derived, also on @Async and reactive hops
 * }
 * RequestContext.runWith(derived, () -> service.placeOrder());
 * }</pre>
 * Every entry is bounded and sanitized by the context's {@link RequestContextPolicy} (control
 * characters removed, credential headers never stored, limits on entries, key and value length).
 * While a context is current, the policy's {@link RequestContextPolicy#mdcKeys() MDC keys} are
 * mirrored into the SLF4J MDC, and removed again when the scope ends.
 * <p>
 * The context is carried to other threads by Micrometer context-propagation through
 * {@link RequestContextAccessor}; this class itself does not need that library.
 * <p>
 * Thread-safety: instances are immutable and thread-safe; the current context is per thread.
 *
 * @since 0.1.0
 */
public final class RequestContext {

	/** Key under which the request id is stored: {@value}. */
	public static final String REQUEST_ID = "requestId";

	private static final RequestContext EMPTY = new RequestContext(Collections.emptyMap(),
			RequestContextPolicy.defaults());

	private final Map<String, String> values;

	private final RequestContextPolicy policy;

	/** Values of the policy's MDC keys, in the same order, null where absent: looked up once, not per hop. */
	private final String[] mdcValues;

	private RequestContext(Map<String, String> values, RequestContextPolicy policy) {
		this.values = values;
		this.policy = policy;
		List<String> mdcKeys = policy.mdcKeys();
		String[] mdcValues = new String[mdcKeys.size()];
		for (int i = 0; i < mdcValues.length; i++) {
			mdcValues[i] = values.get(mdcKeys.get(i));
		}
		this.mdcValues = mdcValues;
	}

	/**
	 * Returns the empty context (default policy).
	 * @return the empty context
	 */
	public static RequestContext empty() {
		return EMPTY;
	}

	/**
	 * Returns the context of the current thread.
	 * @return the current context, never null: {@link #empty()} outside a request
	 */
	public static RequestContext current() {
		return RequestContextHolder.get();
	}

	/**
	 * Builds a context from a map with the {@link RequestContextPolicy#defaults() default policy}.
	 * @param values the entries, sanitized and bounded on the way in
	 * @return a new context
	 * @throws NullPointerException if values, one of its keys or one of its values is null
	 */
	public static RequestContext of(Map<String, String> values) {
		return builder().putAll(values).build();
	}

	/**
	 * Starts a context with the {@link RequestContextPolicy#defaults() default policy}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder(RequestContextPolicy.defaults());
	}

	/**
	 * Starts a context that follows a policy.
	 * @param policy the policy, not null
	 * @return a new builder
	 * @throws NullPointerException if policy is null
	 */
	public static Builder builder(RequestContextPolicy policy) {
		return new Builder(Objects.requireNonNull(policy, "policy must not be null"));
	}

	/**
	 * Runs a block with a context made current, then restores the previous one.
	 * @param context the context for the block
	 * @param block the block
	 * @throws NullPointerException if an argument is null
	 */
	public static void runWith(RequestContext context, Runnable block) {
		Objects.requireNonNull(block, "block must not be null");
		try (Scope scope = context.open()) {
			block.run();
		}
	}

	/**
	 * Calls a block with a context made current, then restores the previous one.
	 * @param <T> the result type
	 * @param context the context for the block
	 * @param block the block
	 * @return the block's result
	 * @throws NullPointerException if an argument is null
	 */
	public static <T> T callWith(RequestContext context, Supplier<T> block) {
		Objects.requireNonNull(block, "block must not be null");
		try (Scope scope = context.open()) {
			return block.get();
		}
	}

	/**
	 * Makes this context current on this thread until the returned scope is closed, which restores
	 * the previous context and MDC values. Close it on the same thread, in try-with-resources.
	 * @return the scope to close
	 */
	public Scope open() {
		RequestContext previous = RequestContextHolder.set(this);
		return new RestoringScope(previous);
	}

	/**
	 * Returns a task that runs with this context made current (and the previous one restored
	 * afterwards), on whatever thread runs it. Needs no context-propagation library: use it for work
	 * queued now and run later, for example {@code queue.add(RequestContext.current().wrap(write))}.
	 * For executors prefer {@link SafeMapContext#wrap(java.util.concurrent.ExecutorService)}.
	 * @param task the task
	 * @return the wrapped task
	 * @throws NullPointerException if task is null
	 */
	public Runnable wrap(Runnable task) {
		Objects.requireNonNull(task, "task must not be null");
		return () -> runWith(this, task);
	}

	/**
	 * Returns a copy of this context with one more (or one replaced) entry, sanitized and bounded by
	 * this context's policy: when the entry breaks a limit it is dropped or cut exactly as at request
	 * entry (see {@link RequestContextPolicy}).
	 * @param key the key
	 * @param value the value
	 * @return a new context; this one is unchanged
	 * @throws NullPointerException if key or value is null
	 */
	public RequestContext with(String key, String value) {
		return new Builder(this.policy, this.values).put(key, value).build();
	}

	/**
	 * Returns a value.
	 * @param key the key
	 * @return the value, or empty when absent
	 */
	public Optional<String> get(String key) {
		return Optional.ofNullable(this.values.get(key));
	}

	/**
	 * Returns a value converted to a type, for example {@code ctx.get("x-page", Integer::valueOf)}.
	 * @param <T> the type
	 * @param key the key
	 * @param converter turns the text into the type; its exceptions propagate
	 * @return the converted value, or empty when absent
	 */
	public <T> Optional<T> get(String key, Function<? super String, ? extends T> converter) {
		Objects.requireNonNull(converter, "converter must not be null");
		String value = this.values.get(key);
		return (value != null) ? Optional.of(converter.apply(value)) : Optional.empty();
	}

	/**
	 * Returns a value or a default.
	 * @param key the key
	 * @param defaultValue returned when the key is absent
	 * @return the value or the default
	 */
	public String getOrDefault(String key, String defaultValue) {
		return this.values.getOrDefault(key, defaultValue);
	}

	/**
	 * Returns the request id, stored under {@link #REQUEST_ID}.
	 * @return the request id, empty outside a request
	 */
	public Optional<String> requestId() {
		return get(REQUEST_ID);
	}

	/**
	 * Tells whether a key is present.
	 * @param key the key
	 * @return whether the key is present
	 */
	public boolean containsKey(String key) {
		return this.values.containsKey(key);
	}

	/** @return the number of entries */
	public int size() {
		return this.values.size();
	}

	/** @return whether there is no entry */
	public boolean isEmpty() {
		return this.values.isEmpty();
	}

	/** @return the keys, in insertion order, unmodifiable */
	public Set<String> keys() {
		return this.values.keySet();
	}

	/**
	 * Returns the entries as a read-only map. Every mutator of the map and of its key set, values,
	 * entry set, iterators and entries throws {@link UnsupportedOperationException}.
	 * @return an unmodifiable view in insertion order (the same instance each time)
	 */
	public Map<String, String> asMap() {
		return this.values;
	}

	/** @return the policy that bounds this context */
	public RequestContextPolicy policy() {
		return this.policy;
	}

	/** The values of {@code policy().mdcKeys()}, index for index, null where absent; never modify. */
	String[] mdcValues() {
		return this.mdcValues;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof RequestContext that && this.values.equals(that.values));
	}

	@Override
	public int hashCode() {
		return this.values.hashCode();
	}

	/**
	 * Shows the keys only: values are request data (tenants, user ids) that do not belong in logs.
	 */
	@Override
	public String toString() {
		return "RequestContext" + this.values.keySet();
	}

	/**
	 * The period during which a context is current; closing it restores the previous context.
	 * <p>
	 * Thread-safety: a scope belongs to the thread that opened it and must be closed there.
	 *
	 * @since 0.1.0
	 */
	public interface Scope extends AutoCloseable {

		/** Restores the previous context and MDC values; calling it again does nothing. */
		@Override
		void close();

	}

	private static final class RestoringScope implements Scope {

		private final RequestContext previous;

		private boolean closed;

		RestoringScope(RequestContext previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				RequestContextHolder.set(this.previous);
			}
		}

	}

	/**
	 * Builds a {@link RequestContext}, sanitizing and bounding every entry with its policy as it is
	 * offered (see {@link RequestContextPolicy} for the rules).
	 * <p>
	 * Thread-safety: a builder is not thread-safe; use it from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final RequestContextPolicy policy;

		private final LinkedHashMap<String, String> values;

		Builder(RequestContextPolicy policy) {
			this.policy = policy;
			this.values = new LinkedHashMap<>();
		}

		Builder(RequestContextPolicy policy, Map<String, String> initial) {
			this.policy = policy;
			this.values = new LinkedHashMap<>(initial);
		}

		/**
		 * Offers an entry; it may be cleaned, cut or dropped by the policy.
		 * @param key the key
		 * @param value the value
		 * @return this builder
		 * @throws NullPointerException if key or value is null
		 */
		public Builder put(String key, String value) {
			Objects.requireNonNull(key, "key must not be null");
			Objects.requireNonNull(value, "value must not be null for key '" + key + "'");
			RequestContextPolicy policy = this.policy;
			String cleanKey = RequestContextPolicy.removeControlCharacters(key);
			String cleanValue = RequestContextPolicy.removeControlCharacters(value);
			if (cleanKey.isEmpty()) {
				policy.report(RequestContextViolation.EMPTY_KEY, cleanKey);
				return this;
			}
			if (cleanKey != key || cleanValue != value) {
				policy.report(RequestContextViolation.CONTROL_CHARACTERS_REMOVED, cleanKey);
			}
			if (RequestContextPolicy.isSensitive(cleanKey)) {
				policy.report(RequestContextViolation.SENSITIVE_KEY_DROPPED, cleanKey);
				return this;
			}
			if (cleanKey.length() > policy.maxKeyLength()) {
				policy.report(RequestContextViolation.KEY_TOO_LONG, cleanKey);
				return this;
			}
			if (!this.values.containsKey(cleanKey) && this.values.size() >= policy.maxEntries()) {
				policy.report(RequestContextViolation.TOO_MANY_ENTRIES, cleanKey);
				return this;
			}
			if (cleanValue.length() > policy.maxValueLength()) {
				policy.report(RequestContextViolation.VALUE_TRUNCATED, cleanKey);
				cleanValue = RequestContextPolicy.truncate(cleanValue, policy.maxValueLength());
			}
			this.values.put(cleanKey, cleanValue);
			return this;
		}

		/**
		 * Offers an entry only when the value is not null.
		 * @param key the key
		 * @param value the value, or null to skip
		 * @return this builder
		 */
		public Builder putIfNotNull(String key, @Nullable String value) {
			return (value != null) ? put(key, value) : this;
		}

		/**
		 * Offers every entry of a map, in its iteration order.
		 * @param entries the entries
		 * @return this builder
		 * @throws NullPointerException if entries, a key or a value is null
		 */
		public Builder putAll(Map<String, String> entries) {
			Objects.requireNonNull(entries, "entries must not be null");
			entries.forEach(this::put);
			return this;
		}

		/**
		 * Tells whether a key (after sanitizing) is already present.
		 * @param key the key
		 * @return whether it is present
		 */
		public boolean containsKey(String key) {
			return this.values.containsKey(RequestContextPolicy.removeControlCharacters(key));
		}

		/** @return the context; empty contexts are {@link RequestContext#empty()} */
		public RequestContext build() {
			if (this.values.isEmpty()) {
				return EMPTY;
			}
			return new RequestContext(Collections.unmodifiableMap(new LinkedHashMap<>(this.values)), this.policy);
		}

	}

}
