package dev.safemap.compensation;

import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Gives the code performing a compensable write access to its idempotency key, both during the first call
 * and during a replay, so it can pass the key to the downstream (for example as an {@code Idempotency-Key}
 * HTTP header).
 * <p>
 * Thread-safety: the state is thread-confined (a {@link ThreadLocal}); all methods are thread-safe. Scopes
 * must be closed on the thread that opened them, in reverse order (try-with-resources).
 *
 * @since 0.1.0
 */
public final class CompensationContext {

	private static final ThreadLocal<@Nullable Frame> CURRENT = new ThreadLocal<>();

	private CompensationContext() {
	}

	/**
	 * Returns the idempotency key of the compensable write running on this thread.
	 * @return the key, or empty outside a compensable write
	 */
	public static Optional<String> currentIdempotencyKey() {
		Frame frame = CURRENT.get();
		return (frame != null) ? Optional.of(frame.key) : Optional.empty();
	}

	/**
	 * Returns whether the code on this thread runs as a replay of a stored entry (rather than the first call).
	 * Information for the write itself (for example to log or tag the request); SafeMap does not branch on it:
	 * a replay reaches the write through its handler, not through the first-call path.
	 * @return whether a replay is in progress on this thread
	 */
	public static boolean isReplaying() {
		Frame frame = CURRENT.get();
		return frame != null && frame.replay;
	}

	/**
	 * Opens a scope in which {@link #currentIdempotencyKey()} returns {@code key}.
	 * @param key the idempotency key
	 * @param replay whether the scope is a replay
	 * @return the scope to close
	 * @throws NullPointerException if key is null
	 */
	public static Scope open(String key, boolean replay) {
		Objects.requireNonNull(key, "key must not be null");
		Frame previous = CURRENT.get();
		Frame frame = new Frame(key, replay);
		CURRENT.set(frame);
		return () -> {
			if (previous == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(previous);
			}
		};
	}

	/**
	 * A scope that restores the previous state when closed. Not thread-safe: close it on the thread that
	 * opened it.
	 *
	 * @since 0.1.0
	 */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

	private record Frame(String key, boolean replay) {
	}

}
