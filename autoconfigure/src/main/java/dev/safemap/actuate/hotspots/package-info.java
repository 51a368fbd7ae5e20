/**
 * The {@code safemaps} actuator endpoint (guarded maps, their contention hotspots and race reports) and
 * the Micrometer meters of the hotspots.
 */
@NullMarked
package dev.safemap.actuate.hotspots;

import org.jspecify.annotations.NullMarked;
