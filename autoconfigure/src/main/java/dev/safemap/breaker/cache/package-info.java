/**
 * Spring Cache backing for fallback caches: any {@code CacheManager}'s caches as a
 * {@link dev.safemap.breaker.FallbackStore}.
 */
@NullMarked
package dev.safemap.breaker.cache;

import org.jspecify.annotations.NullMarked;
