package dev.safemap.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestContextPolicyTests {

	private final List<String> violations = new ArrayList<>();

	private RequestContextPolicy.Builder policy() {
		return RequestContextPolicy.builder().violationListener((v, key) -> this.violations.add(v + ":" + key));
	}

	@Test
	void defaultsAreDocumentedValues() {
		RequestContextPolicy defaults = RequestContextPolicy.defaults();
		assertThat(defaults.maxEntries()).isEqualTo(32);
		assertThat(defaults.maxKeyLength()).isEqualTo(64);
		assertThat(defaults.maxValueLength()).isEqualTo(256);
		assertThat(defaults.mdcKeys()).isEmpty();
	}

	@Test
	void entriesBeyondTheMaximumAreDroppedAndCountedButReplacingIsAllowed() {
		RequestContextPolicy policy = policy().maxEntries(2).build();
		RequestContext context = RequestContext.builder(policy).put("a", "1").put("b", "2").put("c", "3").put("a", "10").build();
		assertThat(context.asMap()).containsExactly(Map.entry("a", "10"), Map.entry("b", "2"));
		assertThat(context.with("d", "4").asMap()).doesNotContainKey("d");
		assertThat(this.violations).containsExactly("TOO_MANY_ENTRIES:c", "TOO_MANY_ENTRIES:d");
	}

	@Test
	void overLongKeysAreDroppedAndOverLongValuesCut() {
		RequestContextPolicy policy = policy().maxKeyLength(4).maxValueLength(5).build();
		RequestContext context = RequestContext.builder(policy).put("abcde", "x").put("abcd", "1234567").build();
		assertThat(context.asMap()).containsExactly(Map.entry("abcd", "12345"));
		assertThat(this.violations).containsExactly("KEY_TOO_LONG:abcd", "VALUE_TRUNCATED:abcd");
	}

	@Test
	void controlCharactersAreRemovedFromKeysAndValues() {
		RequestContextPolicy policy = policy().build();
		RequestContext context = RequestContext.builder(policy)
			.put("te\nnant", "acme\r\nSet-Cookie: evil=1\u0000\u007f\u2028")
			.put("\t\r\n", "empty key")
			.build();
		assertThat(context.asMap()).containsExactly(Map.entry("tenant", "acmeSet-Cookie: evil=1"));
		assertThat(this.violations).containsExactly("CONTROL_CHARACTERS_REMOVED:tenant", "EMPTY_KEY:");
	}

	@Test
	void bidiOverridesAndZeroWidthCharactersAreRemoved() {
		// GH issue 15 item 5: these reached the MDC unchanged and can disguise a value in logs
		RequestContextPolicy policy = policy().build();
		RequestContext context = RequestContext.builder(policy)
			.put("user", "acme\u202E\u200Bnimda=resu")
			.put("x\u2066y\u2069", "a\u202Ab\u202Bc\u202Cd\u202De\u2067f\u2068g\u200Ch\u200Di\u200Ej\u200Fk\uFEFFl\u061Cm")
			.build();
		assertThat(context.asMap()).containsExactly(Map.entry("user", "acmenimda=resu"), Map.entry("xy", "abcdefghijklm"));
		assertThat(this.violations).containsExactly("CONTROL_CHARACTERS_REMOVED:user", "CONTROL_CHARACTERS_REMOVED:xy");
	}

	@Test
	void truncationNeverCutsASurrogatePairInHalf() {
		RequestContextPolicy policy = policy().maxValueLength(3).build();
		// "ab" then U+1F600 (two chars): a cut at 3 chars would keep a lone high surrogate
		RequestContext context = RequestContext.builder(policy).put("k", "ab\uD83D\uDE00cd").build();
		assertThat(context.get("k")).hasValue("ab");
		RequestContext whole = RequestContext.builder(policy().maxValueLength(4).build()).put("k", "ab\uD83D\uDE00cd").build();
		assertThat(whole.get("k")).hasValue("ab\uD83D\uDE00");
	}

	@Test
	void loneSurrogatesAreRemoved() {
		RequestContext context = RequestContext.builder(policy().build()).put("k", "a\uD83Db\uDE00c").build();
		assertThat(context.get("k")).hasValue("abc");
	}

	@Test
	void credentialHeadersAreNeverStoredInAnyCase() {
		RequestContextPolicy policy = policy().build();
		RequestContext context = RequestContext.builder(policy)
			.put("Authorization", "Bearer x")
			.put("PROXY-AUTHORIZATION", "Basic y")
			.put("cookie", "s=1")
			.put("Set-Cookie", "s=1")
			.put(" Cookie ", "s=1")
			.put("Cook\nie", "s=1")
			.put("x-ok", "1")
			.build();
		assertThat(context.asMap()).containsOnlyKeys("x-ok");
		assertThat(context.with("authorization", "Bearer z").asMap()).containsOnlyKeys("x-ok");
		assertThat(this.violations).filteredOn((v) -> v.startsWith("SENSITIVE_KEY_DROPPED")).hasSize(7);
	}

	@Test
	void hostileValuesAreBoundedNeverPropagatedRaw() {
		String hostile = "id\r\n".repeat(100_000);
		RequestContext context = RequestContext.builder(policy().build()).put("x-request-id", hostile).build();
		String value = context.get("x-request-id").orElseThrow();
		assertThat(value).hasSize(RequestContextPolicy.DEFAULT_MAX_VALUE_LENGTH).doesNotContain("\r", "\n");
		assertThat(this.violations).containsExactly("CONTROL_CHARACTERS_REMOVED:x-request-id", "VALUE_TRUNCATED:x-request-id");
	}

	@Test
	void aThrowingListenerDoesNotBreakBuilding() {
		RequestContextPolicy policy = RequestContextPolicy.builder().maxEntries(1).violationListener((v, k) -> {
			throw new IllegalStateException("broken metrics");
		}).build();
		assertThat(RequestContext.builder(policy).put("a", "1").put("b", "2").build().asMap()).containsOnlyKeys("a");
	}

	@Test
	void badLimitsAreRejectedWithTheValueInTheMessage() {
		assertThatIllegalArgumentException().isThrownBy(() -> RequestContextPolicy.builder().maxEntries(-1))
			.withMessageContaining("maxEntries").withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> RequestContextPolicy.builder().maxKeyLength(0))
			.withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> RequestContextPolicy.builder().maxValueLength(100_000))
			.withMessageContaining("100000");
		assertThatIllegalArgumentException().isThrownBy(() -> RequestContextPolicy.builder().mdcKeys(List.of("Cookie")))
			.withMessageContaining("Cookie");
		assertThatIllegalArgumentException().isThrownBy(() -> RequestContextPolicy.builder().mdcKeys(List.of("")));
	}

}
