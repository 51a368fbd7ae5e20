package dev.safemap.diagnostics;

import java.util.function.Supplier;

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

	/**
	 * Applies a property to a core builder or settings object, whose own validation decides: an
	 * {@link IllegalArgumentException} it throws (its message names the bad value) becomes this exception,
	 * naming the property. Validation rules live in the core; this only says which property was at fault.
	 * @param <T> the result type
	 * @param property the property being applied, for example {@code safemap.breaker.max-staleness}
	 * @param value the property's value
	 * @param action how to fix it
	 * @param apply applies the value
	 * @return what {@code apply} returned
	 * @throws InvalidSafeMapPropertyException if {@code apply} rejected the value
	 */
	public static <T> T apply(String property, @Nullable Object value, String action, Supplier<T> apply) {
		try {
			return apply.get();
		}
		catch (IllegalArgumentException ex) {
			InvalidSafeMapPropertyException invalid = new InvalidSafeMapPropertyException(property, value,
					String.valueOf(ex.getMessage()), action);
			invalid.initCause(ex);
			throw invalid;
		}
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
