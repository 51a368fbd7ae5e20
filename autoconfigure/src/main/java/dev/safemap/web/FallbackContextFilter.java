package dev.safemap.web;

import java.io.IOException;

import dev.safemap.breaker.FallbackContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter (Spring MVC) that opens a {@link FallbackContext} scope for each request and always closes it when
 * the request leaves its thread, so that {@link FallbackContext#lastAnswer()} works in the request's code and the
 * answer (value included) is gone before the thread serves another request.
 * <p>
 * Thread-safety: stateless; thread-safe.
 *
 * @since 0.1.0
 */
public final class FallbackContextFilter extends OncePerRequestFilter {

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
		try (FallbackContext.Scope scope = FallbackContext.open()) {
			chain.doFilter(request, response);
		}
	}

}
