package dev.safemap.web;

import java.util.Map;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextCustomizer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestContextFactoryTests {

	@Test
	void copiesAllowListedHeadersButNeverCredentialsNorTheRequestIdHeaderTwice() {
		RequestContextFactory factory = RequestContextFactory.builder()
			.header("X-Tenant-Id")
			.header("x-tenant-id")
			.header("Authorization")
			.header("X-Request-Id")
			.build();
		assertThat(factory.headerNames()).containsExactly("X-Tenant-Id");
		RequestContext context = factory.create(request(Map.of("x-tenant-id", "acme", "authorization", "Bearer s",
				"x-request-id", "r-1")));
		assertThat(context.asMap()).containsOnly(Map.entry(RequestContext.REQUEST_ID, "r-1"),
				Map.entry("x-tenant-id", "acme"));
	}

	@Test
	void generatesARequestIdOnlyWhenAskedTo() {
		assertThat(RequestContextFactory.builder().build().create(request(Map.of())).requestId()).isPresent();
		assertThat(RequestContextFactory.builder().generateRequestId(false).build().create(request(Map.of()))
			.requestId()).isEmpty();
	}

	@Test
	void badHeaderNamesAreRejectedNamingTheValue() {
		RequestContextFactory.Builder builder = RequestContextFactory.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.header("X Tenant: 1"))
			.withMessageContaining("'X Tenant: 1'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.header(null)).withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.requestIdHeader("Bad(Header)"))
			.withMessageContaining("'Bad(Header)'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.requestIdHeader("Cookie"))
			.withMessageContaining("credential")
			.withMessageContaining("'Cookie'");
	}

	private static RequestContextCustomizer.IncomingRequest request(Map<String, String> headers) {
		return new RequestContextCustomizer.IncomingRequest() {

			@Override
			public @Nullable String header(String name) {
				return headers.get(name.toLowerCase(java.util.Locale.ROOT));
			}

			@Override
			public String method() {
				return "GET";
			}

			@Override
			public String path() {
				return "/";
			}

			@Override
			public java.security.@Nullable Principal principal() {
				return null;
			}

		};
	}

}
