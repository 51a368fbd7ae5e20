/**
 * Micrometer meters and the health indicator of the fallback caches.
 */
@NullMarked
package dev.safemap.actuate.breaker;

import org.jspecify.annotations.NullMarked;
