package dev.safemap.web;

import java.util.concurrent.atomic.AtomicReference;

import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackContext;
import dev.safemap.breaker.FallbackResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackContextFilterTests {

	private final FallbackCache<String, String> profiles = FallbackCache
		.<String, String>builder("profiles", CircuitBreaker.ofDefaults("profiles"))
		.build();

	@Test
	void theRequestSeesItsAnswerAndTheThreadForgetsItWhenTheRequestEnds() throws Exception {
		AtomicReference<FallbackResult<?>> seenInRequest = new AtomicReference<>();
		MockFilterChain chain = new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
			@Override
			protected void service(jakarta.servlet.http.HttpServletRequest req,
					jakarta.servlet.http.HttpServletResponse res) {
				FallbackContextFilterTests.this.profiles.call("user-a", () -> "profile of user A");
				seenInRequest.set(FallbackContext.lastAnswer());
			}
		});
		new FallbackContextFilter().doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), chain);
		assertThat(seenInRequest.get().value()).isEqualTo("profile of user A");
		assertThat(FallbackContext.lastAnswer()).isNull();
	}

}
