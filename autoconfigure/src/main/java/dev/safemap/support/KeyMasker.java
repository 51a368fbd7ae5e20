package dev.safemap.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Turns map keys, which are often personal data (user ids, e-mail addresses, tokens), into
 * stable short masks for display in reports, endpoints, logs and metric tags.
 * <p>
 * A mask is {@code "#"} followed by the first 10 hex digits of the SHA-256 of the key's
 * {@code toString()}: the same key always shows the same mask, in every JVM, so a user who knows
 * a suspect key can compute its mask and find it, while the mask itself does not reveal the key.
 * <p>
 * Thread-safety: this class is stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class KeyMasker {

	private static final HexFormat HEX = HexFormat.of();

	private static final int MASK_BYTES = 5;

	private KeyMasker() {
	}

	/**
	 * Masks a key.
	 * @param key the key, not null
	 * @return a stable mask such as {@code #3f9a0c11be}
	 * @throws NullPointerException if key is null
	 */
	public static String mask(Object key) {
		Objects.requireNonNull(key, "key must not be null");
		byte[] digest = sha256().digest(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
		return "#" + HEX.formatHex(digest, 0, MASK_BYTES);
	}

	/**
	 * Returns the key as text when {@code show} is true, its mask otherwise.
	 * @param key the key, not null
	 * @param show whether the raw key may be shown
	 * @return the key's text or its mask
	 */
	public static String maskUnless(Object key, boolean show) {
		return show ? String.valueOf(key) : mask(key);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

}
