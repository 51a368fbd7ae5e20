/**
 * Auto-configuration and properties ({@code safemap.breaker.*}) of fallback caches: storage (Caffeine,
 * Redis or a {@code CacheManager}), the aspect, meters and health.
 */
@NullMarked
package dev.safemap.autoconfigure.breaker;

import org.jspecify.annotations.NullMarked;
