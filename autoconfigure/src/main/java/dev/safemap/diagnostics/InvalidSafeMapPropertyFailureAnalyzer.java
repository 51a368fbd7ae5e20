package dev.safemap.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports an {@link InvalidSafeMapPropertyException} as a startup failure that names the property,
 * the bad value, the reason and the fix.
 *
 * @since 0.1.0
 */
public class InvalidSafeMapPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSafeMapPropertyException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSafeMapPropertyException cause) {
		String description = String.format("SafeMap configuration is invalid:%n%n    Property: %s%n    Value: %s%n    Reason: %s",
				cause.getProperty(), cause.getValue(), cause.getReason());
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

	@Override
	public int getOrder() {
		// ahead of Boot's BindFailureAnalyzer, which would report only the binding failure
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
