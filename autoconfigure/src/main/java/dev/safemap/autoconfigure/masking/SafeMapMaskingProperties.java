package dev.safemap.autoconfigure.masking;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of key masking ({@code safemap.masking.*}), for every SafeMap feature: the
 * {@code safemaps} and {@code compensations} endpoints, race reports and fallback-cache logs.
 * <p>
 * Thread-safety: bound once at startup, then only read.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.masking")
public class SafeMapMaskingProperties {

	/**
	 * When keys (and stored compensation arguments) are shown as they are instead of masked. never: masked
	 * everywhere. when-authorized: shown in the endpoints to authenticated users with one of the roles, masked in
	 * logs and for everyone else. always: shown everywhere, logs included. Keys are often personal data.
	 */
	private ShowKeys showKeys = ShowKeys.NEVER;

	/**
	 * Roles a user needs to see raw keys when show-keys is when-authorized. When empty, any authenticated user may.
	 */
	private Set<String> roles = new LinkedHashSet<>();

	/**
	 * Secret of the masks (HMAC-SHA-256), at least 16 bytes. Set it (from a secret store, the same on every instance)
	 * for masks that match across instances and restarts. When unset a random secret is made at startup: masks then
	 * differ per process and nobody can compute them.
	 */
	private @Nullable String secret;

	public ShowKeys getShowKeys() {
		return this.showKeys;
	}

	public void setShowKeys(ShowKeys showKeys) {
		this.showKeys = showKeys;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

	public @Nullable String getSecret() {
		return this.secret;
	}

	public void setSecret(@Nullable String secret) {
		this.secret = secret;
	}

	/**
	 * When raw keys may be shown, following Spring Boot's {@code show-values} convention ({@code Show}).
	 * <p>
	 * Enum constants are immutable and thread-safe.
	 *
	 * @since 0.1.0
	 */
	public enum ShowKeys {

		/** Keys are always masked. */
		NEVER,

		/** Keys are shown in endpoints to authenticated users having one of the roles; masked in logs. */
		WHEN_AUTHORIZED,

		/** Keys are always shown, in endpoints and logs. */
		ALWAYS;

		/**
		 * Whether keys appear as they are where there is no user to authorize (logs, race reports).
		 * @return true only for {@link #ALWAYS}
		 */
		public boolean inLogs() {
			return this == ALWAYS;
		}

	}

}
