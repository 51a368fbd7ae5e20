package dev.safemap.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class KeyMaskerTests {

	@Test
	void sameKeyAlwaysGivesSameMask() {
		assertThat(KeyMasker.mask("alice@example.com")).isEqualTo(KeyMasker.mask("alice@example.com"));
	}

	@Test
	void maskDoesNotContainTheKey() {
		String mask = KeyMasker.mask("alice@example.com");
		assertThat(mask).startsWith("#").hasSize(11).doesNotContain("alice");
	}

	@Test
	void differentKeysGiveDifferentMasks() {
		assertThat(KeyMasker.mask("user-1")).isNotEqualTo(KeyMasker.mask("user-2"));
	}

	@Test
	void maskIsStableAcrossRuns() {
		// SHA-256("user-1") starts with c6c289e49e: the mask must not depend on the JVM or a salt
		assertThat(KeyMasker.mask("user-1")).isEqualTo("#c6c289e49e");
	}

	@Test
	void maskUnlessShowsRawKeyOnlyWhenAllowed() {
		assertThat(KeyMasker.maskUnless("user-1", true)).isEqualTo("user-1");
		assertThat(KeyMasker.maskUnless("user-1", false)).isEqualTo(KeyMasker.mask("user-1"));
	}

	@Test
	void aSevenDigitIdsMaskIsNotItsUnkeyedHash() throws Exception {
		String id = "4711042";
		byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
			.digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		String unkeyed = "#" + java.util.HexFormat.of().formatHex(digest, 0, 5);
		assertThat(KeyMasker.mask(id)).as("anyone can hash the 10^7 ids and look this mask up").isNotEqualTo(unkeyed);
	}

	@Test
	void nullKeyIsRejected() {
		assertThatNullPointerException().isThrownBy(() -> KeyMasker.mask(null)).withMessageContaining("key");
	}

}
