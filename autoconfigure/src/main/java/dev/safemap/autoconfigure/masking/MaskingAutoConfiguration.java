package dev.safemap.autoconfigure.masking;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.support.KeyMasker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of key masking: the application's {@link KeyMasker}, shared by every SafeMap feature so that
 * a key has the same mask in the endpoints and the logs, with the secret {@code safemap.masking.secret} or, when it
 * is not set, one generated at startup (said in one INFO line). {@code safemap.masking.show-keys} is the one switch
 * for showing raw keys; the per-feature switches it replaced are refused with the fix.
 * <p>
 * Thread-safety: used by the container during startup only; the masker is thread-safe.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@EnableConfigurationProperties(SafeMapMaskingProperties.class)
public final class MaskingAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(MaskingAutoConfiguration.class);

	/** Switches replaced by {@code safemap.masking.show-keys} and {@code safemap.masking.roles}. */
	static final List<String> REMOVED = List.of("safemap.guard.show-keys", "safemap.hotspots.show-keys",
			"safemap.hotspots.roles", "safemap.breaker.show-keys", "safemap.compensation.endpoint.show-arguments");

	@Bean
	@ConditionalOnMissingBean
	KeyMasker safemapKeyMasker(SafeMapMaskingProperties properties, Environment environment) {
		refuseRemovedProperties(environment);
		String secret = properties.getSecret();
		if (secret == null) {
			logger.info("Masking map keys with a secret generated at startup: masks differ between instances and "
					+ "restarts; set safemap.masking.secret for stable masks");
			return KeyMasker.withGeneratedSecret();
		}
		// the report names the secret's length, never the secret
		return InvalidSafeMapPropertyException.apply("safemap.masking.secret",
				"(a secret of " + secret.getBytes(StandardCharsets.UTF_8).length + " bytes)",
				"Set safemap.masking.secret to at least " + KeyMasker.MIN_SECRET_BYTES
						+ " random bytes, the same on every instance (for example from a secret store), or remove it "
						+ "to have one generated at startup.",
				() -> KeyMasker.withSecret(secret));
	}

	/**
	 * Fails startup on a masking switch that was replaced by {@code safemap.masking.*}; called by every feature
	 * that masks, as some of them are configured before this auto-configuration's beans exist.
	 * @param environment the environment
	 * @throws InvalidSafeMapPropertyException naming the first such property set
	 */
	public static void refuseRemovedProperties(Environment environment) {
		for (String property : REMOVED) {
			String value = environment.getProperty(property);
			if (value != null) {
				String replacement = property.endsWith("roles") ? "safemap.masking.roles"
						: "safemap.masking.show-keys (never | when-authorized | always)";
				throw new InvalidSafeMapPropertyException(property, value,
						"it was replaced by one switch for every feature",
						"Remove " + property + " and set " + replacement + ".");
			}
		}
	}

	/**
	 * Reads {@code safemap.masking.*} from the environment, for beans created before the properties bean.
	 * @param environment the environment
	 * @return the bound properties
	 */
	public static SafeMapMaskingProperties bind(Environment environment) {
		return Binder.get(environment).bind("safemap.masking", SafeMapMaskingProperties.class)
			.orElseGet(SafeMapMaskingProperties::new);
	}

}
