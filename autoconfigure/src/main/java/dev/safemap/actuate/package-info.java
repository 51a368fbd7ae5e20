/**
 * Actuator endpoints of SafeMap: {@code safemaps}, the guarded maps with their contention
 * hotspots and race reports.
 */
@NullMarked
package dev.safemap.actuate;

import org.jspecify.annotations.NullMarked;
