package dev.safemap.autoconfigure.masking;

import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.support.KeyMasker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class MaskingAutoConfigurationTests {

	private static final String SECRET = "a secret from the vault, 32 byte";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MaskingAutoConfiguration.class));

	@Test
	void withoutASecretOneIsGeneratedAtStartupAndSaidSoInOneInfoLine(CapturedOutput output) {
		this.runner.run((context) -> {
			KeyMasker masker = context.getBean(KeyMasker.class);
			assertThat(masker.isSecretGenerated()).isTrue();
			assertThat(masker.mask("4711042")).isNotEqualTo(KeyMasker.shared().mask("4711042"));
		});
		assertThat(output).containsOnlyOnce("Masking map keys with a secret generated at startup")
			.contains("set safemap.masking.secret for stable masks");
	}

	@Test
	void aConfiguredSecretGivesTheSameMasksInEveryInstance() {
		String[] masks = new String[2];
		this.runner.withPropertyValues("safemap.masking.secret=" + SECRET)
			.run((context) -> masks[0] = context.getBean(KeyMasker.class).mask("4711042"));
		this.runner.withPropertyValues("safemap.masking.secret=" + SECRET)
			.run((context) -> masks[1] = context.getBean(KeyMasker.class).mask("4711042"));
		assertThat(masks[0]).isEqualTo(masks[1]).isEqualTo(KeyMasker.withSecret(SECRET).mask("4711042"));
	}

	@Test
	void aShortSecretFailsStartupNamingThePropertyButNotTheSecret() {
		this.runner.withPropertyValues("safemap.masking.secret=hunter2").run((context) -> {
			InvalidSafeMapPropertyException failure = invalidProperty(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("safemap.masking.secret");
			assertThat(failure.getMessage() + failure.getAction() + failure.getCause().getMessage())
				.contains("7 bytes")
				.contains("at least 16")
				.doesNotContain("hunter2");
		});
	}

	@Test
	void eachReplacedSwitchFailsStartupNamingTheOneSwitch() {
		for (String removed : MaskingAutoConfiguration.REMOVED) {
			this.runner.withPropertyValues(removed + "=true").run((context) -> {
				InvalidSafeMapPropertyException failure = invalidProperty(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(removed);
				assertThat(failure.getAction())
					.contains(removed.endsWith("roles") ? "safemap.masking.roles" : "safemap.masking.show-keys");
			});
		}
	}

	@Test
	void showKeysFollowsBootsShowValuesAndOnlyAlwaysReachesTheLogs() {
		this.runner.run((context) -> assertThat(context.getBean(SafeMapMaskingProperties.class).getShowKeys())
			.isEqualTo(SafeMapMaskingProperties.ShowKeys.NEVER));
		this.runner.withPropertyValues("safemap.masking.show-keys=when-authorized", "safemap.masking.roles=OPS")
			.run((context) -> {
				SafeMapMaskingProperties properties = context.getBean(SafeMapMaskingProperties.class);
				assertThat(properties.getShowKeys().inLogs()).isFalse();
				assertThat(properties.getRoles()).containsExactly("OPS");
			});
		assertThat(SafeMapMaskingProperties.ShowKeys.ALWAYS.inLogs()).isTrue();
	}

	private static InvalidSafeMapPropertyException invalidProperty(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidSafeMapPropertyException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("no InvalidSafeMapPropertyException in " + failure, failure);
	}

}
