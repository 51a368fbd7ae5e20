package dev.safemap.compensation;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A write to store for later replay: what to call, with which arguments, under which idempotency and
 * ordering keys, and the request context to restore around the replay.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @param target what to call on replay; resolved to a {@link CompensationHandler} by the registry
 * @param arguments the arguments as JSON
 * @param idempotencyKey key the downstream uses to apply the write at most once; enqueueing a key that is
 * already waiting stores nothing new
 * @param orderingKey entries with the same ordering key are replayed one at a time, oldest first
 * @param context request context to restore around the replay
 * @since 0.1.0
 */
public record CompensationRequest(String target, String arguments, String idempotencyKey, String orderingKey,
		Map<String, String> context) {

	/** Longest accepted target, idempotency key and ordering key (the store's column size). */
	public static final int MAX_KEY_LENGTH = 500;

	/**
	 * Creates a request.
	 * @throws NullPointerException if a component is null
	 * @throws IllegalArgumentException if a text component is blank or longer than {@link #MAX_KEY_LENGTH}
	 */
	public CompensationRequest {
		requireText(target, "target");
		Objects.requireNonNull(arguments, "arguments must not be null");
		requireText(idempotencyKey, "idempotencyKey");
		requireText(orderingKey, "orderingKey");
		context = Map.copyOf(Objects.requireNonNull(context, "context must not be null"));
	}

	/**
	 * Creates a request with a generated idempotency key (a random UUID), used as ordering key too, and
	 * no context.
	 * @param target what to call on replay
	 * @param arguments the arguments as JSON
	 * @return the request
	 */
	public static CompensationRequest of(String target, String arguments) {
		String key = UUID.randomUUID().toString();
		return new CompensationRequest(target, arguments, key, key, Map.of());
	}

	/**
	 * Returns a copy with another idempotency key; the ordering key stays unless it was the old
	 * idempotency key, in which case it follows.
	 * @param key the idempotency key
	 * @return the copy
	 */
	public CompensationRequest withIdempotencyKey(String key) {
		String ordering = this.orderingKey.equals(this.idempotencyKey) ? key : this.orderingKey;
		return new CompensationRequest(this.target, this.arguments, key, ordering, this.context);
	}

	/**
	 * Returns a copy with another ordering key.
	 * @param key the ordering key
	 * @return the copy
	 */
	public CompensationRequest withOrderingKey(String key) {
		return new CompensationRequest(this.target, this.arguments, this.idempotencyKey, key, this.context);
	}

	/**
	 * Returns a copy with another captured context.
	 * @param context the context
	 * @return the copy
	 */
	public CompensationRequest withContext(Map<String, String> context) {
		return new CompensationRequest(this.target, this.arguments, this.idempotencyKey, this.orderingKey, context);
	}

	private static void requireText(String value, String name) {
		Objects.requireNonNull(value, () -> name + " must not be null");
		if (value.isBlank() || value.length() > MAX_KEY_LENGTH) {
			throw new IllegalArgumentException(name + " must be 1 to " + MAX_KEY_LENGTH
					+ " characters and not blank, but was '" + value + "'");
		}
	}

}
