package dev.safemap.actuate.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The access of an application without Spring Security: the page is shown to loopback clients only (the request's
 * remote address is 127.0.0.0/8 or ::1, and it came through no proxy: no {@code Forwarded} or
 * {@code X-Forwarded-For} header) that name this machine's loopback as their host ({@code localhost} or a loopback
 * address: a page of another site reaching the dashboard through DNS rebinding names its own host), and it is
 * read-only for everyone.
 * <p>
 * Thread-safety: immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class LoopbackDashboardAccess implements DashboardAccess {

	private final List<String> roles;

	/**
	 * Creates the access rule.
	 * @param maskingRoles the roles that decide masking ({@code safemap.masking.roles})
	 */
	public LoopbackDashboardAccess(Collection<String> maskingRoles) {
		this.roles = List.copyOf(maskingRoles);
	}

	@Override
	public DashboardViewer viewer(HttpServletRequest request) {
		String address = request.getRemoteAddr();
		if (!isLoopback(address)) {
			return DashboardViewer.refused("Without Spring Security the SafeMap dashboard answers loopback clients "
					+ "only, and this request came from " + address + ": open it on the host itself, or add Spring "
					+ "Security and grant the view authority (safemap.dashboard.view-authority)");
		}
		if (request.getHeader("Forwarded") != null || request.getHeader("X-Forwarded-For") != null) {
			return DashboardViewer.refused("Without Spring Security the SafeMap dashboard answers loopback clients "
					+ "only, and this request came through a proxy (it has a Forwarded or X-Forwarded-For header)");
		}
		String host = request.getServerName();
		if (!isLoopbackName(host)) {
			// a page of another site that re-points its own name at 127.0.0.1 (DNS rebinding) reaches a loopback
			// server from the user's browser, but its requests still name that site
			return DashboardViewer.refused("Without Spring Security the SafeMap dashboard answers loopback clients "
					+ "only, and this request names the host '" + host + "': open it as http://localhost (or "
					+ "127.0.0.1), or add Spring Security and grant the view authority");
		}
		return new DashboardViewer(true, false, null, "anonymous", DashboardViewer.capture(request, this.roles), null,
				null);
	}

	/**
	 * Whether the host a request names (its {@code Host} header) is this machine's loopback: {@code localhost}, a
	 * name under {@code .localhost}, or a loopback address literal.
	 * @param host the server name of the request
	 * @return true for a loopback name
	 */
	static boolean isLoopbackName(@Nullable String host) {
		if (host == null || host.isEmpty()) {
			return false;
		}
		String name = host.toLowerCase(java.util.Locale.ROOT);
		return name.equals("localhost") || name.endsWith(".localhost") || isLoopback(name);
	}

	/**
	 * Whether an address literal is a loopback address; names are not resolved.
	 * @param address the remote address
	 * @return true for 127.0.0.0/8, ::1 and IPv4-mapped loopback
	 */
	static boolean isLoopback(@Nullable String address) {
		if (address == null || address.isEmpty()) {
			return false;
		}
		boolean literal = address.chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == '.' || c == ':'
				|| c == '[' || c == ']' || c == '%');
		if (!literal) {
			return false;
		}
		try {
			String bare = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
			int zone = bare.indexOf('%');
			if (zone >= 0) {
				bare = bare.substring(0, zone);
			}
			return InetAddress.getByName(bare).isLoopbackAddress();
		}
		catch (UnknownHostException | StringIndexOutOfBoundsException ex) {
			return false;
		}
	}

}
