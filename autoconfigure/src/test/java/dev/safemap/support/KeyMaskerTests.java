package dev.safemap.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class KeyMaskerTests {

	private static final String SECRET = "correct horse battery staple 42";

	private final KeyMasker masker = KeyMasker.withSecret(SECRET);

	@Test
	void sameKeyAndSecretAlwaysGiveTheSameMaskInEveryMasker() {
		assertThat(this.masker.mask("alice@example.com")).isEqualTo(this.masker.mask("alice@example.com"))
			.isEqualTo(KeyMasker.withSecret(SECRET).mask("alice@example.com"));
	}

	@Test
	void maskIsTheTruncatedHmacOfTheKeyUnderTheSecret() throws Exception {
		javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
		mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		String expected = "#" + HexFormat.of().formatHex(mac.doFinal("user-1".getBytes(StandardCharsets.UTF_8)), 0, 5);
		assertThat(this.masker.mask("user-1")).isEqualTo(expected);
	}

	@Test
	void maskDoesNotContainTheKey() {
		assertThat(this.masker.mask("alice@example.com")).startsWith("#").hasSize(11).doesNotContain("alice");
	}

	@Test
	void differentKeysGiveDifferentMasks() {
		assertThat(this.masker.mask("user-1")).isNotEqualTo(this.masker.mask("user-2"));
	}

	/**
	 * Failure catalogue row 15: with an unkeyed hash, trying the 10^7 seven-digit ids finds the one behind a mask in
	 * seconds. A keyed mask cannot be computed without the secret: under another secret the same id has another
	 * mask, and the unkeyed hash of the id (what an attacker can compute) is not its mask.
	 */
	@Test
	void aSevenDigitIdsMaskCannotBeComputedWithoutTheSecret() throws Exception {
		String id = "4711042";
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
		String unkeyed = "#" + HexFormat.of().formatHex(digest, 0, 5);
		String mask = this.masker.mask(id);
		assertThat(mask).as("anyone can hash the 10^7 ids and look this mask up").isNotEqualTo(unkeyed);
		assertThat(KeyMasker.withSecret("another secret, also 32 bytes..").mask(id)).isNotEqualTo(mask);
		assertThat(KeyMasker.withGeneratedSecret().mask(id)).isNotEqualTo(mask).isNotEqualTo(unkeyed);
	}

	@Test
	void generatedSecretsDifferAndSaySo() {
		KeyMasker first = KeyMasker.withGeneratedSecret();
		KeyMasker second = KeyMasker.withGeneratedSecret();
		assertThat(first.isSecretGenerated()).isTrue();
		assertThat(this.masker.isSecretGenerated()).isFalse();
		assertThat(first.mask("user-1")).isEqualTo(first.mask("user-1")).isNotEqualTo(second.mask("user-1"));
		assertThat(KeyMasker.shared()).isSameAs(KeyMasker.shared());
	}

	@Test
	void aShortSecretIsRefusedWithItsLengthButNotItsValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> KeyMasker.withSecret("hunter2"))
			.withMessageContaining("7 bytes")
			.withMessageContaining("at least 16")
			.withMessageNotContaining("hunter2");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyMasker.withSecret(" ".repeat(20)));
	}

	@Test
	void maskUnlessShowsRawKeyOnlyWhenAllowed() {
		assertThat(this.masker.maskUnless("user-1", true)).isEqualTo("user-1");
		assertThat(this.masker.maskUnless("user-1", false)).isEqualTo(this.masker.mask("user-1"));
	}

	@Test
	void nullKeyIsRejected() {
		assertThatNullPointerException().isThrownBy(() -> this.masker.mask(null)).withMessageContaining("key");
	}

}
