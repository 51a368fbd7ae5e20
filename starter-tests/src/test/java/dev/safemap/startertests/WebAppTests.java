package dev.safemap.startertests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.sql.DataSource;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web application (the starter, Spring MVC and the actuator; see the {@code web-app} execution) with no
 * configuration: no DataSource, no {@code db} health component, no file written.
 */
class WebAppTests {

	@BeforeAll
	static void emptyWorkingDirectory() {
		WorkingDirectory.clear();
	}

	@Test
	void startsWithoutADataSourceOrADbHealthComponentAndWritesNoFile() throws Exception {
		// server.port=0 and the health details are the test's, not the application's configuration
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApp.class)
			.web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--management.endpoint.health.show-components=always")) {
			SoftAssertions.assertSoftly((softly) -> {
				softly.assertThat(WorkingDirectory.files()).as("files written").isEmpty();
				softly.assertThat(context.getBeanNamesForType(DataSource.class)).as("DataSource beans").isEmpty();
				softly.assertThat(context.containsBean("dbHealthContributor")).as("db health contributor").isFalse();
			});
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> health = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).isEqualTo(200);
			// SafeMap's own components are there, Boot's db component is not
			assertThat(health.body()).contains("\"compensations\"").doesNotContain("\"db\"");
			assertThat(WorkingDirectory.files()).isEmpty();
		}
		assertThat(WorkingDirectory.files()).isEmpty();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WebApp {

	}

}
