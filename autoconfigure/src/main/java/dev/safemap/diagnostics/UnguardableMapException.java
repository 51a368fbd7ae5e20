package dev.safemap.diagnostics;

import java.util.Objects;

/**
 * Thrown at startup when a map SafeMap was asked to guard (a map bean, or a field with
 * {@code safemap.guard.fields=wrap}) holds something a guarded map cannot, for example a {@code null} value.
 * {@link UnguardableMapFailureAnalyzer} turns it into a startup failure report that names the map, what is
 * wrong with it (keys masked) and what to change.
 * <p>
 * Thread-safety: instances are immutable.
 *
 * @since 0.1.0
 */
public class UnguardableMapException extends RuntimeException {

	private final String map;

	private final String reason;

	private final String action;

	/**
	 * Creates a new exception.
	 * @param map which map, for example {@code map bean 'prices'}
	 * @param reason what is wrong with it, with keys masked unless configured otherwise
	 * @param action what to change
	 * @throws NullPointerException if an argument is null
	 */
	public UnguardableMapException(String map, String reason, String action) {
		super(Objects.requireNonNull(map, "map must not be null") + " cannot be guarded: "
				+ Objects.requireNonNull(reason, "reason must not be null"));
		this.map = map;
		this.reason = reason;
		this.action = Objects.requireNonNull(action, "action must not be null");
	}

	/** @return which map, for example {@code map bean 'prices'} */
	public String getMap() {
		return this.map;
	}

	/** @return what is wrong with it */
	public String getReason() {
		return this.reason;
	}

	/** @return what to change */
	public String getAction() {
		return this.action;
	}

}
