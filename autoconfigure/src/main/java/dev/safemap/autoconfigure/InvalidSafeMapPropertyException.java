package dev.safemap.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code safemap.*} property (or an annotation attribute) holds a value
 * SafeMap cannot work with. {@link InvalidSafeMapPropertyFailureAnalyzer} turns it into a startup
 * failure report that names the property, the bad value and the fix.
 *
 * @since 0.1.0
 */
public class InvalidSafeMapPropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String reason;

	private final String action;

	/**
	 * Creates a new exception.
	 * @param property the property (or annotated element) at fault, for example
	 * {@code safemap.guard.default-mode}
	 * @param value the bad value
	 * @param reason why the value is not accepted
	 * @param action how to fix it, for example the accepted values
	 */
	public InvalidSafeMapPropertyException(String property, @Nullable Object value, String reason, String action) {
		super("Invalid value '" + value + "' for '" + property + "': " + reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	/** @return the property or annotated element at fault */
	public String getProperty() {
		return this.property;
	}

	/** @return the bad value */
	public @Nullable Object getValue() {
		return this.value;
	}

	/** @return why the value is not accepted */
	public String getReason() {
		return this.reason;
	}

	/** @return how to fix it */
	public String getAction() {
		return this.action;
	}

}
