package dev.safemap.breaker;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * A last known good value as kept by a {@link FallbackStore}: the value and the time it was
 * written, in epoch milliseconds of the cache's clock.
 * <p>
 * The record is {@link Serializable} so that stores that serialize (Redis through Spring's cache
 * abstraction, for example) can share entries between application instances; the value itself
 * must then be serializable too.
 * <p>
 * Thread-safety: instances are immutable and thread-safe as long as the value is not mutated.
 *
 * @param <V> the value type
 * @param value the value, never null
 * @param writtenAtMillis when the value was received from the downstream, in epoch milliseconds
 * @since 0.1.0
 */
public record StoredValue<V>(V value, long writtenAtMillis) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates a stored value.
	 * @param value the value, not null
	 * @param writtenAtMillis when the value was received, in epoch milliseconds
	 * @throws NullPointerException if value is null
	 */
	public StoredValue {
		Objects.requireNonNull(value, "value must not be null: null is never stored as a valid answer");
	}

}
