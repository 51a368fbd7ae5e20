package dev.safemap.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.web.RequestContextFactory;
import dev.safemap.web.SafeMapRequestContextFilter;
import dev.safemap.web.SafeMapRequestContextWebFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SafeMapRequestContextFilterTests {

	private final RequestContextFactory factory = RequestContextFactory.builder()
		.policy(RequestContextPolicy.builder().mdcKeys(List.of("requestId", "x-tenant-id")).build())
		.header("X-Tenant-Id")
		.header("traceparent")
		.header("Accept-Language")
		.build();

	@AfterEach
	void threadIsEmpty() {
		assertThat(RequestContext.current().isEmpty()).isTrue();
		assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
	}

	@Test
	void contextIsCurrentDuringTheChainAndRemovedAfterwards() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
		request.addHeader("X-Request-Id", "r-1");
		request.addHeader("X-Tenant-Id", "acme");
		AtomicReference<RequestContext> seen = new AtomicReference<>();
		AtomicReference<String> mdc = new AtomicReference<>();
		MockFilterChain chain = new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
		}, (req, res, next) -> {
			seen.set(RequestContext.current());
			mdc.set(MDC.get("x-tenant-id"));
		});
		MockHttpServletResponse response = new MockHttpServletResponse();
		new SafeMapRequestContextFilter(this.factory, false).doFilter(request, response, chain);
		assertThat(seen.get().requestId()).hasValue("r-1");
		assertThat(seen.get()).isSameAs(request.getAttribute(SafeMapRequestContextFilter.CONTEXT_ATTRIBUTE));
		assertThat(mdc.get()).isEqualTo("acme");
		assertThat(response.getHeader("X-Request-Id")).as("not echoed by default").isNull();
	}

	@Test
	void contextIsRemovedEvenWhenTheChainThrows() {
		MockFilterChain chain = new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
		}, (req, res, next) -> {
			assertThat(RequestContext.current().requestId()).isPresent();
			throw new ServletException("boom");
		});
		assertThatExceptionOfType(ServletException.class).isThrownBy(() -> new SafeMapRequestContextFilter(this.factory,
				false).doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), chain));
	}

	@Test
	void asyncDispatchReusesTheSameContextAndEchoIsOptIn() throws Exception {
		SafeMapRequestContextFilter filter = new SafeMapRequestContextFilter(this.factory, true);
		MockHttpServletRequest request = new MockHttpServletRequest();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		RequestContext first = (RequestContext) request.getAttribute(SafeMapRequestContextFilter.CONTEXT_ATTRIBUTE);
		assertThat(response.getHeader("X-Request-Id")).isEqualTo(first.requestId().orElseThrow());
		request.setDispatcherType(DispatcherType.ASYNC);
		AtomicReference<RequestContext> seen = new AtomicReference<>();
		filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
		}, (req, res, next) -> seen.set(RequestContext.current())));
		assertThat(seen.get()).isSameAs(first);
	}

	@Test
	void webFilterWritesTheContextIntoTheReactorContext() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/x").header("X-Request-Id", "w-1").header("Cookie", "secret"));
		AtomicReference<Object> inReactorContext = new AtomicReference<>();
		SafeMapRequestContextWebFilter filter = new SafeMapRequestContextWebFilter(this.factory, true, 0);
		Mono<Void> result = filter.filter(exchange,
				(ex) -> Mono.deferContextual((view) -> {
					inReactorContext.set(view.getOrDefault(RequestContextAccessor.KEY, null));
					return Mono.empty();
				}));
		result.block(java.time.Duration.ofSeconds(5));
		RequestContext context = exchange.getAttribute(SafeMapRequestContextWebFilter.CONTEXT_ATTRIBUTE);
		assertThat(inReactorContext.get()).isSameAs(context);
		assertThat(context.requestId()).hasValue("w-1");
		assertThat(context.asMap()).doesNotContainKey("cookie");
		assertThat(exchange.getResponse().getHeaders().getFirst("X-Request-Id")).isEqualTo("w-1");
	}

}
