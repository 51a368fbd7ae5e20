package dev.safemap.actuate.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The dashboard's own anti-forgery tokens for its write requests, whatever the application's CSRF setup: a token is
 * an HMAC-SHA-256 of the user's name under a secret made at startup, given to the page by a same-origin read and
 * sent back in the {@value #HEADER} header. A cross-site page can neither read it nor set that header without a
 * CORS pre-flight the dashboard never grants. Tokens of a previous process are refused (the page fetches a new one).
 * <p>
 * Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class WriteTokens {

	/** The request header that carries the token. */
	public static final String HEADER = "X-SafeMap-Dashboard-Token";

	private final byte[] secret = new byte[32];

	/** Creates tokens under a new random secret. */
	public WriteTokens() {
		new SecureRandom().nextBytes(this.secret);
	}

	/**
	 * Returns the token of a user.
	 * @param user the user's name
	 * @return the token
	 */
	public String token(String user) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secret, "HmacSHA256"));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Checks a token sent by a user.
	 * @param user the user's name
	 * @param token the token sent, may be null
	 * @return whether it is the user's token
	 */
	public boolean matches(String user, @Nullable String token) {
		return token != null && MessageDigest.isEqual(token(user).getBytes(StandardCharsets.US_ASCII),
				token.getBytes(StandardCharsets.US_ASCII));
	}

}
