package dev.safemap.startertests;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * An application that adds Boot's JDBC support (as JPA does, see the {@code jdbc-app} execution) but no database
 * URL and no driver fails as it would without SafeMap, instead of silently running on an in-memory H2.
 */
class JdbcWithoutUrlAppTests {

	@Test
	void failsForWantOfADatabaseUrlAsWithoutSafeMap() {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(JdbcApp.class).web(WebApplicationType.NONE).run().close())
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(messages(ex))
				.contains("Failed to determine a suitable driver class"));
	}

	private static String messages(Throwable ex) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class JdbcApp {

	}

}
