/**
 * Auto-configuration and properties ({@code safemap.context.*}) of the request context: filters,
 * propagation and meters.
 */
@NullMarked
package dev.safemap.autoconfigure.context;

import org.jspecify.annotations.NullMarked;
