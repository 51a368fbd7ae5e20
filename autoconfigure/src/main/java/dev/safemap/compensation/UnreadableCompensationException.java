package dev.safemap.compensation;

/**
 * Thrown by a {@link CompensationHandler} when a stored entry cannot be understood (its arguments cannot be
 * read, its target no longer exists). The registry moves the entry to dead letters with this message
 * instead of retrying it, so one corrupt entry never blocks the queue.
 * <p>
 * Thread-safety: instances are immutable once thrown.
 *
 * @since 0.1.0
 */
public class UnreadableCompensationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message why the entry cannot be used
	 * @param cause the underlying failure, if any
	 */
	public UnreadableCompensationException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception.
	 * @param message why the entry cannot be used
	 */
	public UnreadableCompensationException(String message) {
		super(message);
	}

}
