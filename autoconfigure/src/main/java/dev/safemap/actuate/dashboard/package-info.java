/**
 * The SafeMap dashboard: a page served by the application itself that shows, in one view, what the
 * {@code safemaps} and {@code compensations} endpoints, the fallback caches and the request-context counters show,
 * pushed to the page with server-sent events; and the access rules that guard it.
 */
@NullMarked
package dev.safemap.actuate.dashboard;

import org.jspecify.annotations.NullMarked;
