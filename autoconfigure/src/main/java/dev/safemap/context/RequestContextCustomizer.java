package dev.safemap.context;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

/**
 * Adds application values to the {@link RequestContext} of each web request, for example the
 * tenant or user id of the authenticated principal. Declare it as a bean; all customizer beans are
 * applied in {@link org.springframework.core.annotation.Order order} after the allow-listed headers
 * and the request id, for Spring MVC and WebFlux alike:
 * <pre>{@code
 * @Bean
 * RequestContextCustomizer userId() {
 *     return (context, request) -> {
 *         if (request.principal() != null) {
 *             context.put("userId", request.principal().getName());
 *         }
 *     };
 * }
 * }</pre>
 * Values go through the same sanitizing and limits as headers. A customizer that throws fails the
 * request (it is not swallowed), so keep customizers simple.
 * <p>
 * Thread-safety: called concurrently from request threads; implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestContextCustomizer {

	/**
	 * Adds values for one request.
	 * @param context the context being built (headers and request id already in it)
	 * @param request read access to the incoming request
	 */
	void customize(RequestContext.Builder context, IncomingRequest request);

	/**
	 * Read-only view of the incoming request, the same for Spring MVC and WebFlux.
	 * <p>
	 * Thread-safety: belongs to one request; use it only inside {@link #customize}.
	 *
	 * @since 0.1.0
	 */
	interface IncomingRequest {

		/**
		 * Returns the first value of a request header.
		 * @param name the header name, in any case
		 * @return the raw (unsanitized) value, or null when absent
		 */
		@Nullable String header(String name);

		/** @return the HTTP method, such as {@code GET} */
		String method();

		/** @return the request path, without query string */
		String path();

		/** @return the authenticated principal, or null when there is none */
		@Nullable Principal principal();

	}

}
