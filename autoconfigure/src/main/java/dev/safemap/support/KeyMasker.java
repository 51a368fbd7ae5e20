package dev.safemap.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns map keys, which are often personal data (user ids, e-mail addresses, tokens), into short masks for display
 * in reports, endpoints and logs.
 * <p>
 * A mask is {@code "#"} followed by the first 10 hex digits (40 bits) of the HMAC-SHA-256 of the key's
 * {@code toString()} under a secret. Without the secret a mask cannot be computed, so it cannot be reversed by
 * trying every candidate key (every 7-digit id, a list of e-mail addresses), as an unkeyed hash could. With the
 * secret it can: anyone who holds the secret can compute the mask of a suspect key and find it, and can recover a
 * key from a small set of candidates, so keep the secret as you would the keys. The same key gets the same mask
 * under the same secret, in every JVM: configure one secret ({@link #withSecret(String)}) where masks must match
 * across instances and restarts; a generated secret ({@link #withGeneratedSecret()}) makes masks that hold only for
 * the life of the process. Two different keys can share a mask (40 bits).
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class KeyMasker {

	/** The shortest secret accepted, in bytes of its UTF-8 form: {@value}. */
	public static final int MIN_SECRET_BYTES = 16;

	private static final String ALGORITHM = "HmacSHA256";

	private static final HexFormat HEX = HexFormat.of();

	private static final int MASK_BYTES = 5;

	private static final class Shared {

		static final KeyMasker INSTANCE = withGeneratedSecret();

	}

	private final SecretKeySpec secret;

	private final boolean generated;

	private KeyMasker(byte[] secret, boolean generated) {
		this.secret = new SecretKeySpec(secret, ALGORITHM);
		this.generated = generated;
	}

	/**
	 * Returns a masker with a configured secret, for masks that are the same on every instance and after restarts.
	 * @param secret the secret, at least {@value #MIN_SECRET_BYTES} bytes in UTF-8 (for example 32 random
	 * characters from a secret store)
	 * @return the masker
	 * @throws IllegalArgumentException if the secret is shorter (the message gives its length, never the secret)
	 * @throws NullPointerException if secret is null
	 */
	public static KeyMasker withSecret(String secret) {
		Objects.requireNonNull(secret, "secret must not be null");
		byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
		if (bytes.length < MIN_SECRET_BYTES || secret.isBlank()) {
			throw new IllegalArgumentException("secret must be at least " + MIN_SECRET_BYTES
					+ " bytes and not blank, so that masks cannot be computed without it, but was " + bytes.length
					+ " bytes");
		}
		return new KeyMasker(bytes, false);
	}

	/**
	 * Returns a masker with a secret of 32 random bytes, known to nobody: its masks hold only for the life of this
	 * masker.
	 * @return the masker
	 */
	public static KeyMasker withGeneratedSecret() {
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		return new KeyMasker(secret, true);
	}

	/**
	 * Returns the masker of this JVM for code that was given none: a generated secret, made on first use. SafeMap's
	 * Spring Boot auto-configuration gives every feature its application's masker instead.
	 * @return the JVM-wide masker
	 */
	public static KeyMasker shared() {
		return Shared.INSTANCE;
	}

	/**
	 * Whether the secret was generated rather than configured (masks then differ between processes).
	 * @return true for a generated secret
	 */
	public boolean isSecretGenerated() {
		return this.generated;
	}

	/**
	 * Masks a key.
	 * @param key the key, not null
	 * @return a mask such as {@code #3f9a0c11be}, the same for the same key and secret
	 * @throws NullPointerException if key is null
	 */
	public String mask(Object key) {
		Objects.requireNonNull(key, "key must not be null");
		byte[] mac = mac().doFinal(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
		return "#" + HEX.formatHex(mac, 0, MASK_BYTES);
	}

	/**
	 * Returns the key as text when {@code show} is true, its mask otherwise.
	 * @param key the key, not null
	 * @param show whether the raw key may be shown
	 * @return the key's text or its mask
	 */
	public String maskUnless(Object key, boolean show) {
		return show ? String.valueOf(key) : mask(key);
	}

	private Mac mac() {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.secret);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required by every Java platform", ex);
		}
	}

	@Override
	public String toString() {
		return "KeyMasker[HMAC-SHA-256, " + (this.generated ? "generated" : "configured") + " secret]";
	}

}
