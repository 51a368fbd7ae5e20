/**
 * Actuator endpoints, health indicators and Micrometer metrics of SafeMap's features:
 * {@code safemaps} (guarded maps with their contention hotspots and race reports) and
 * {@code compensations} (the durable queue of deferred writes).
 */
@NullMarked
package dev.safemap.actuate;

import org.jspecify.annotations.NullMarked;
