package dev.safemap.actuate.dashboard;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides who may view the dashboard and who may operate from it.
 * <p>
 * Implementations are thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DashboardAccess {

	/**
	 * Decides for one request.
	 * @param request the request
	 * @return the viewer, refused when the request may not see the page
	 */
	DashboardViewer viewer(HttpServletRequest request);

}
