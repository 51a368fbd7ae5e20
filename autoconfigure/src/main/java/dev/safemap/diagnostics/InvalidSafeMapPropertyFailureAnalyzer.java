package dev.safemap.diagnostics;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidSafeMapPropertyException} as a startup failure that names the property, the value as
 * the user wrote it, where it came from (Spring Boot's {@link Origin}: a file and line, an environment variable, a
 * system property) when the property is in the environment, the reason and the fix, the way Spring Boot's own
 * property analyzers do:
 * <pre>
 * SafeMap configuration is invalid:
 *
 *     Property: safemap.breaker.max-staleness
 *     Value: "-5m"
 *     Origin: class path resource [application.yml] - 12:30
 *     Reason: ...
 * </pre>
 * Spring Boot creates it with the application's {@link Environment}.
 * <p>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public class InvalidSafeMapPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSafeMapPropertyException>
		implements Ordered {

	/** A list property bound from indexed entries ({@code include[0]}) is searched this far for the bad element. */
	private static final int MAX_INDEX = 1000;

	private final Environment environment;

	/**
	 * Creates the analyzer; Spring Boot passes the application's environment.
	 * @param environment where the properties, their values as written and their origins are looked up
	 */
	public InvalidSafeMapPropertyFailureAnalyzer(Environment environment) {
		this.environment = Objects.requireNonNull(environment, "environment must not be null");
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSafeMapPropertyException cause) {
		ConfigurationProperty configured = find(cause.getProperty(), cause.getValue());
		// the value as the user wrote it ("-5m", not the bound Duration's "PT-5M"), when it was configured
		Object value = (configured != null) ? configured.getValue() : cause.getValue();
		StringBuilder description = new StringBuilder(String.format("SafeMap configuration is invalid:%n%n"));
		description.append(String.format("    Property: %s%n", cause.getProperty()));
		description.append(String.format("    Value: \"%s\"%n", value));
		Origin origin = (configured != null) ? configured.getOrigin() : null;
		if (origin != null) {
			description.append(String.format("    Origin: %s%n", origin));
		}
		description.append(String.format("    Reason: %s", asWritten(cause.getReason(), cause.getValue(), value)));
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

	/**
	 * A reason written by the core names a duration or size as Java prints it ({@code PT-5M}); the user wrote
	 * {@code -5m}: say it their way.
	 */
	private static String asWritten(String reason, @Nullable Object bound, @Nullable Object written) {
		boolean printedOtherwise = bound instanceof java.time.Duration
				|| bound instanceof org.springframework.util.unit.DataSize;
		if (printedOtherwise && written != null && !String.valueOf(written).equals(String.valueOf(bound))) {
			return reason.replace(String.valueOf(bound), String.valueOf(written));
		}
		return reason;
	}

	/**
	 * Finds the property in the environment: by its name (relaxed, so {@code SAFEMAP_GUARD_DEFAULT_MODE} is found
	 * too), or, for a list written element by element, the element that holds the bad value.
	 */
	private @Nullable ConfigurationProperty find(String property, @Nullable Object badValue) {
		if (!ConfigurationPropertyName.isValid(property)) {
			return null; // an annotation attribute, not a property
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return found;
			}
			for (int i = 0; i < MAX_INDEX; i++) {
				ConfigurationProperty element = source.getConfigurationProperty(name.append("[" + i + "]"));
				if (element == null) {
					break;
				}
				if (badValue != null && String.valueOf(element.getValue()).trim().equals(String.valueOf(badValue))) {
					return element;
				}
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		// ahead of Boot's BindFailureAnalyzer, which would report only the binding failure
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
