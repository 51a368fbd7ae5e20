package dev.safemap.diagnostics;

import java.util.HashMap;
import java.util.Map;

import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when a {@code safemap.*} property is wrong: Spring Boot's startup failure report, written by
 * {@link InvalidSafeMapPropertyFailureAnalyzer} with the value as written and the file and line it came from
 * (issue 16: it echoed {@code PT-5M} for {@code -5m}, had no origin line, and offered Spring's own
 * {@code systemProperties} and {@code systemEnvironment} as map names).
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyStartupReportTests {

	@Test
	void aBadDurationIsReportedAsWrittenWithItsFileAndLine(CapturedOutput output) {
		run(BreakerApp.class, "negative-staleness.yml");
		assertThat(report(output)).contains("Property: safemap.breaker.max-staleness")
			.contains("Value: \"-5m\"")
			.contains("Origin: class path resource [dev/safemap/diagnostics/negative-staleness.yml] - 4:20")
			.contains("must be positive")
			.doesNotContain("PT-5M");
	}

	@Test
	void aMisspeltMapNameInAYamlListIsReportedWithItsLineAndTheNearestMapBean(CapturedOutput output) {
		run(GuardApp.class, "misspelt-map.yml");
		assertThat(output).contains("Property: safemap.guard.include")
			.contains("Value: \"requestCount\"")
			.contains("Origin: class path resource [dev/safemap/diagnostics/misspelt-map.yml] - 5:9")
			.contains("Did you mean 'requestCounts'?")
			.contains("Name a map bean of this context: [requestCounts, settings]");
		assertThat(report(output)).doesNotContain("systemProperties")
			.doesNotContain("systemEnvironment");
	}

	/** Spring Boot's report: what follows its banner (Spring's own WARN line before it quotes the exception). */
	private static String report(CapturedOutput output) {
		String all = output.toString();
		int start = all.indexOf("APPLICATION FAILED TO START");
		assertThat(start).as(all).isNotNegative();
		return all.substring(start);
	}

	private static void run(Class<?> app, String config) {
		SpringApplication application = new SpringApplication(app);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application
			.run("--spring.config.location=classpath:dev/safemap/diagnostics/" + config, "--spring.main.banner-mode=off"));
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
			TimeLimiterAutoConfiguration.class, BreakerAutoConfiguration.class })
	static class BreakerApp {

	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(GuardedMapAutoConfiguration.class)
	static class GuardApp {

		@Bean
		Map<String, Long> requestCounts() {
			return new HashMap<>();
		}

		@Bean
		Map<String, String> settings() {
			return new HashMap<>();
		}

	}

}
