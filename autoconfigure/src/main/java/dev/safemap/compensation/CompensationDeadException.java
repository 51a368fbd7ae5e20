package dev.safemap.compensation;

/**
 * Completes the future returned for an enqueued write when its entry goes to dead letters in this process.
 * <p>
 * Thread-safety: instances are immutable once thrown.
 *
 * @since 0.1.0
 */
public class CompensationDeadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String entryId;

	/**
	 * Creates an exception.
	 * @param entryId the dead entry
	 * @param reason why it was given up on
	 */
	public CompensationDeadException(String entryId, String reason) {
		super("Compensation entry " + entryId + " moved to dead letters: " + reason);
		this.entryId = entryId;
	}

	/**
	 * Returns the id of the dead entry.
	 * @return the entry id
	 */
	public String getEntryId() {
		return this.entryId;
	}

}
