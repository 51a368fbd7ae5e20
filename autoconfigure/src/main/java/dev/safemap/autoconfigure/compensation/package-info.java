/**
 * Auto-configuration and properties ({@code safemap.compensation.*}) of the compensation queue: store,
 * registry, worker, interceptor, endpoint, meters and health.
 */
@NullMarked
package dev.safemap.autoconfigure.compensation;

import org.jspecify.annotations.NullMarked;
