package dev.safemap.actuate.dashboard;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * The access of an application with Spring Security: the page is shown to authenticated users holding the view
 * authority or the operate authority, and retry and discard are offered to those holding the operate authority.
 * Authentication itself is the application's (its security filter chain); a request that reaches the page without
 * an authenticated user is refused.
 * <p>
 * Thread-safety: immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class SpringSecurityDashboardAccess implements DashboardAccess {

	private final String viewAuthority;

	private final String operateAuthority;

	private final List<String> roles;

	/**
	 * Creates the access rule.
	 * @param viewAuthority the authority needed to view
	 * @param operateAuthority the authority needed to operate (it allows viewing too)
	 * @param maskingRoles the roles that decide masking ({@code safemap.masking.roles})
	 */
	public SpringSecurityDashboardAccess(String viewAuthority, String operateAuthority,
			Collection<String> maskingRoles) {
		this.viewAuthority = Objects.requireNonNull(viewAuthority, "viewAuthority must not be null");
		this.operateAuthority = Objects.requireNonNull(operateAuthority, "operateAuthority must not be null");
		this.roles = List.copyOf(maskingRoles);
	}

	@Override
	public DashboardViewer viewer(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return DashboardViewer.refused("The SafeMap dashboard needs a signed-in user with authority '"
					+ this.viewAuthority + "' (or '" + this.operateAuthority + "')");
		}
		boolean operate = has(authentication, this.operateAuthority);
		boolean view = operate || has(authentication, this.viewAuthority);
		if (!view) {
			return DashboardViewer.refused("User '" + authentication.getName() + "' lacks authority '"
					+ this.viewAuthority + "' needed to view the SafeMap dashboard");
		}
		String header = null;
		String token = null;
		if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken csrf) {
			header = csrf.getHeaderName();
			token = csrf.getToken();
		}
		return new DashboardViewer(true, operate, null, authentication.getName(),
				DashboardViewer.capture(request, this.roles), header, token);
	}

	private static boolean has(Authentication authentication, String authority) {
		for (GrantedAuthority granted : authentication.getAuthorities()) {
			if (authority.equals(granted.getAuthority())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns the authority needed to operate.
	 * @return the authority
	 */
	public String operateAuthority() {
		return this.operateAuthority;
	}

}
