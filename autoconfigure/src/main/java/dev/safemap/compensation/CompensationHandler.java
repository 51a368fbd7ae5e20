package dev.safemap.compensation;

/**
 * Replays one stored write: performs the call described by the entry. Throwing means the attempt failed
 * and will be retried with backoff; throw {@link UnreadableCompensationException} when the entry itself
 * cannot be understood (it then goes to dead letters at once).
 * <p>
 * Thread-safety: a handler is called from the registry's worker threads and must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CompensationHandler {

	/**
	 * Replays the entry. The entry's idempotency key is available from
	 * {@link CompensationContext#currentIdempotencyKey()} during the call.
	 * @param entry the entry to replay
	 * @throws Exception if the attempt failed
	 */
	void replay(CompensationEntry entry) throws Exception;

}
