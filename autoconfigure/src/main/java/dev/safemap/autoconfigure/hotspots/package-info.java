/**
 * Auto-configuration and properties ({@code safemap.hotspots.*}) of contention hotspots, their meters
 * and the {@code safemaps} endpoint.
 */
@NullMarked
package dev.safemap.autoconfigure.hotspots;

import org.jspecify.annotations.NullMarked;
