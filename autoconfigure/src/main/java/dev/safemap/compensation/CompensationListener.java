package dev.safemap.compensation;

import java.time.Duration;

/**
 * Receives queue events, for metrics and logs. Every method has an empty default; a listener that throws
 * is logged at WARN and ignored.
 * <p>
 * Thread-safety: called from callers' threads (enqueue) and worker threads (replay); implementations must
 * be thread-safe.
 *
 * @since 0.1.0
 */
public interface CompensationListener {

	/**
	 * Called after an enqueue.
	 * @param entry the stored entry
	 * @param created false when the idempotency key was already waiting and nothing was stored
	 */
	default void enqueued(CompensationEntry entry, boolean created) {
	}

	/**
	 * Called after a successful replay.
	 * @param entry the entry as claimed
	 * @param lag time from the enqueue to the successful replay
	 */
	default void replayed(CompensationEntry entry, Duration lag) {
	}

	/**
	 * Called after a failed attempt that will be retried.
	 * @param entry the entry as claimed
	 * @param failure the failure
	 */
	default void failed(CompensationEntry entry, Throwable failure) {
	}

	/**
	 * Called after an entry moved to dead letters.
	 * @param entry the entry as claimed
	 * @param reason why
	 */
	default void dead(CompensationEntry entry, String reason) {
	}

}
