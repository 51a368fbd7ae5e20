/**
 * Auto-configuration and properties ({@code safemap.dashboard.*}) of the SafeMap dashboard: the page served by the
 * application itself under the management base path, off unless {@code safemap.dashboard.enabled=true}.
 */
@NullMarked
package dev.safemap.autoconfigure.dashboard;

import org.jspecify.annotations.NullMarked;
