package dev.safemap.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports an {@link UnguardableMapException} as a startup failure that names the map, the reason and the fix.
 * <p>
 * Thread-safety: stateless and thread-safe.
 *
 * @since 0.1.0
 */
public class UnguardableMapFailureAnalyzer extends AbstractFailureAnalyzer<UnguardableMapException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnguardableMapException cause) {
		String description = String.format("SafeMap cannot guard a map:%n%n    Map: %s%n    Reason: %s",
				cause.getMap(), cause.getReason());
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

	@Override
	public int getOrder() {
		// ahead of Boot's BeanCreationException analyzers, which would report only the bean's failure
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
