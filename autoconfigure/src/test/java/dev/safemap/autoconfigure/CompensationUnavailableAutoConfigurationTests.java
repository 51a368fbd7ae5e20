package dev.safemap.autoconfigure;

import java.nio.file.Path;

import dev.safemap.aop.CompensationUnavailableReporter;
import dev.safemap.autoconfigure.compensation.CompensationAutoConfiguration;
import dev.safemap.autoconfigure.compensation.CompensationUnavailableAutoConfiguration;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class CompensationUnavailableAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner(Class<?>... hidden) {
		return new ApplicationContextRunner().withClassLoader(new FilteredClassLoader(hidden))
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, CompensationAutoConfiguration.class,
					CompensationUnavailableAutoConfiguration.class));
	}

	@Test
	void compensableMethodWithoutJacksonLogsOneLineNamingTheDependencyToAdd(CapturedOutput output) {
		runner(JsonMapper.class).withUserConfiguration(CompensableConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(CompensationRegistry.class);
			assertThat(output.getOut().lines().filter((line) -> line.contains("Compensation is off")))
				.singleElement()
				.asString()
				.contains("WARN")
				.contains("@Compensable Stock.reserve")
				.contains("add tools.jackson.core:jackson-databind to the class path");
		});
	}

	@Test
	void eachMissingLibraryIsNamed(CapturedOutput output) {
		runner(JsonMapper.class, JdbcClient.class).withUserConfiguration(CompensableConfiguration.class)
			.run((context) -> assertThat(output).contains(
					"add tools.jackson.core:jackson-databind and org.springframework:spring-jdbc to the class path"));
	}

	@Test
	void nothingIsSaidWhenNothingAsksForCompensation(CapturedOutput output) {
		runner(JsonMapper.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(CompensationUnavailableReporter.class);
			assertThat(output).doesNotContain("Compensation is off");
		});
	}

	@Test
	void anExplicitStoreTypeFailsStartupNamingThePropertyAndTheDependency() {
		runner(JsonMapper.class).withPropertyValues("safemap.compensation.store.type=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidSafeMapPropertyException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo("safemap.compensation.store.type");
					assertThat(ex.getReason()).contains("tools.jackson.core:jackson-databind");
				});
		});
	}

	@Test
	void staysOutOfTheWayWhenCompensationCanStart() {
		runner().withPropertyValues("safemap.compensation.store.directory=" + this.directory)
			.withUserConfiguration(CompensableConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(CompensationRegistry.class)
				.doesNotHaveBean(CompensationUnavailableReporter.class));
	}

	@Test
	void staysSilentWhenCompensationIsDisabled(CapturedOutput output) {
		runner(JsonMapper.class).withPropertyValues("safemap.compensation.enabled=false")
			.withUserConfiguration(CompensableConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(CompensationUnavailableReporter.class);
				assertThat(output).doesNotContain("Compensation is off");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CompensableConfiguration {

		@Bean
		Stock stock() {
			return new Stock();
		}

	}

	public static class Stock {

		@Compensable(name = "stock")
		public void reserve(String sku) {
		}

	}

}
