package dev.safemap.diagnostics;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidSafeMapPropertyFailureAnalyzerTests {

	@Test
	void analysisNamesPropertyValueReasonAndFix() {
		InvalidSafeMapPropertyException cause = new InvalidSafeMapPropertyException("safemap.guard.default-mode",
				"turbo", "unknown mode", "Use one of: guard, detect, off.");
		BeanCreationException failure = new BeanCreationException("someBean", "creation failed", cause);

		FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(failure);

		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("safemap.guard.default-mode")
			.contains("turbo")
			.contains("unknown mode");
		assertThat(analysis.getAction()).isEqualTo("Use one of: guard, detect, off.");
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	@Test
	void otherFailuresAreNotAnalyzed() {
		assertThat(new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(new IllegalStateException("x"))).isNull();
	}

}
