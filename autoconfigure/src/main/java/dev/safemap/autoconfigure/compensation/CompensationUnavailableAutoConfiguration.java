package dev.safemap.autoconfigure.compensation;

import dev.safemap.aop.CompensationUnavailableReporter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * When {@link CompensationAutoConfiguration} cannot apply because a library it needs is missing: startup fails if a
 * {@code safemap.compensation.store.*} property asked for compensation explicitly, and otherwise the first bean with
 * a {@code @Compensable} method logs one line naming the dependency to add. Nothing is said when nothing asks for
 * compensation.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "safemap.compensation.enabled", matchIfMissing = true)
@Conditional(CompensationUnavailableAutoConfiguration.RequirementMissing.class)
public final class CompensationUnavailableAutoConfiguration {

	private static final String[] EXPLICIT = { "safemap.compensation.store.type",
			"safemap.compensation.store.directory", "safemap.compensation.enabled" };

	@Bean
	static CompensationUnavailableReporter compensationUnavailableReporter(Environment environment,
			ResourceLoader resourceLoader) {
		CompensationUnavailableReporter reporter = new CompensationUnavailableReporter(resourceLoader.getClassLoader());
		for (String property : EXPLICIT) {
			String value = environment.getProperty(property);
			if (value != null) {
				throw reporter.requested(property, value);
			}
		}
		return reporter;
	}

	/** Matches when one of the classes {@link CompensationAutoConfiguration} is conditional on is missing. */
	static final class RequirementMissing extends AnyNestedCondition {

		RequirementMissing() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnMissingClass("io.github.resilience4j.circuitbreaker.CircuitBreaker")
		static final class NoCircuitBreaker {

		}

		@ConditionalOnMissingClass("io.github.resilience4j.core.IntervalFunction")
		static final class NoResilience4jCore {

		}

		@ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
		static final class NoJackson {

		}

		@ConditionalOnMissingClass("org.springframework.jdbc.core.simple.JdbcClient")
		static final class NoSpringJdbc {

		}

	}

}
