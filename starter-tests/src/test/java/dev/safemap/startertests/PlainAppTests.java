package dev.safemap.startertests;

import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

import dev.safemap.compensation.CompensationRegistry;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A plain (non-web) application with the SafeMap starter and no configuration: it gets SafeMap's features and
 * nothing that changes its own setup.
 */
class PlainAppTests {

	@BeforeAll
	static void emptyWorkingDirectory() {
		WorkingDirectory.clear();
	}

	@Test
	void startsWithoutADataSourceOrADatabaseDriverAndWritesNoFile() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlainApp.class)
			.web(WebApplicationType.NONE)
			.run()) {
			SoftAssertions.assertSoftly((softly) -> {
				softly.assertThat(context.getBeanNamesForType(DataSource.class)).as("DataSource beans").isEmpty();
				softly.assertThat(context.containsBean("dbHealthContributor")).as("db health contributor").isFalse();
				// compensation is on (the starter brings what it needs), its store not yet written
				softly.assertThat(context.getBeanNamesForType(CompensationRegistry.class)).as("registries").hasSize(1);
				softly.assertThat(WorkingDirectory.files()).as("files written").isEmpty();
			});
		}
		assertThat(WorkingDirectory.files()).isEmpty();
	}

	@Test
	void exposesNoDatabaseDriverToTheApplication() {
		// what Boot looks for to start an embedded database, and what a jdbc:h2: URL would find
		assertThat(ClassUtils.isPresent("org.h2.Driver", null)).isFalse();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getDriver("jdbc:h2:mem:app"));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlainApp {

	}

}
