package dev.safemap.actuate.dashboard;

import java.security.Principal;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * Who is looking at the dashboard and what they may do, decided once per request by a {@link DashboardAccess}. Its
 * {@link #securityContext()} is what the endpoints are called with: the request's principal and the roles it holds
 * among those that decide masking, captured so that a stream pushed from another thread masks exactly as the
 * endpoints would for this request.
 * <p>
 * Immutable and thread-safe.
 *
 * @param view whether the page and its data may be shown
 * @param operate whether retry and discard are allowed
 * @param refusal why not, when {@code view} is false
 * @param name the principal's name, or {@code anonymous}
 * @param securityContext the captured security context
 * @param csrfHeader the header of the application's CSRF token (Spring Security), when it has one
 * @param csrfToken the application's CSRF token, when it has one
 * @since 0.1.0
 */
public record DashboardViewer(boolean view, boolean operate, @Nullable String refusal, String name,
		SecurityContext securityContext, @Nullable String csrfHeader, @Nullable String csrfToken) {

	/**
	 * A viewer that may see nothing.
	 * @param refusal why
	 * @return the viewer
	 */
	public static DashboardViewer refused(String refusal) {
		return new DashboardViewer(false, false, refusal, "anonymous", SecurityContext.NONE, null, null);
	}

	/**
	 * The key that groups viewers who are shown the same data.
	 * @return the key
	 */
	String dataKey() {
		return this.name + '|' + this.operate + '|' + ((Captured) this.securityContext).roles;
	}

	/**
	 * Captures a request's principal and the roles it holds among those given.
	 * @param request the request
	 * @param roles the roles that matter (those that decide masking)
	 * @return the captured context
	 */
	static SecurityContext capture(HttpServletRequest request, Collection<String> roles) {
		Principal principal = request.getUserPrincipal();
		Set<String> held = roles.stream().filter(request::isUserInRole).collect(Collectors.toUnmodifiableSet());
		return new Captured(principal, held);
	}

	private record Captured(@Nullable Principal principal, Set<String> roles) implements SecurityContext {

		@Override
		public @Nullable Principal getPrincipal() {
			return this.principal;
		}

		@Override
		public boolean isUserInRole(String role) {
			return this.roles.contains(Objects.requireNonNull(role));
		}

	}

}
