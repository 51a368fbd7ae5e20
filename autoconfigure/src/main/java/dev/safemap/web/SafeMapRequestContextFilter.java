package dev.safemap.web;

import java.io.IOException;
import java.security.Principal;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextCustomizer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter (Spring MVC) that builds the {@link RequestContext} when a request enters, makes
 * it current for the request's thread and always removes it (and its MDC values) when the request
 * leaves, whatever happens. Async and error dispatches of the same request get the same context
 * again (kept in a request attribute), not a new one.
 * <p>
 * Thread-safety: stateless apart from its immutable factory; thread-safe.
 *
 * @since 0.1.0
 */
public final class SafeMapRequestContextFilter extends OncePerRequestFilter {

	/** Request attribute that keeps the context of the request for later dispatches. */
	public static final String CONTEXT_ATTRIBUTE = SafeMapRequestContextFilter.class.getName() + ".CONTEXT";

	private final RequestContextFactory factory;

	private final boolean echoRequestId;

	/**
	 * Creates the filter.
	 * @param factory builds the context
	 * @param echoRequestId whether to send the request id back in the response
	 */
	public SafeMapRequestContextFilter(RequestContextFactory factory, boolean echoRequestId) {
		Assert.notNull(factory, "'factory' must not be null");
		this.factory = factory;
		this.echoRequestId = echoRequestId;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RequestContext context = (request.getAttribute(CONTEXT_ATTRIBUTE) instanceof RequestContext existing) ? existing
				: create(request, response);
		try (RequestContext.Scope scope = context.open()) {
			chain.doFilter(request, response);
		}
	}

	private RequestContext create(HttpServletRequest request, HttpServletResponse response) {
		RequestContext context = this.factory.create(new ServletIncomingRequest(request));
		request.setAttribute(CONTEXT_ATTRIBUTE, context);
		if (this.echoRequestId) {
			context.requestId().ifPresent((id) -> response.setHeader(this.factory.requestIdHeader(), id));
		}
		return context;
	}

	private record ServletIncomingRequest(HttpServletRequest request) implements RequestContextCustomizer.IncomingRequest {

		@Override
		public @Nullable String header(String name) {
			return this.request.getHeader(name);
		}

		@Override
		public String method() {
			return this.request.getMethod();
		}

		@Override
		public String path() {
			return this.request.getRequestURI();
		}

		@Override
		public @Nullable Principal principal() {
			return this.request.getUserPrincipal();
		}

	}

}
