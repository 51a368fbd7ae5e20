package dev.safemap.autoconfigure;

import dev.safemap.breaker.FallbackCache;

import org.springframework.cache.Cache;

/**
 * Customizes each fallback cache {@link FallbackCaches} creates, for example to add a listener
 * or a cacheable predicate. Customizer beans are applied in order.
 * <p>
 * Thread-safety: called once per cache, at creation, under the registry's creation lock.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FallbackCacheCustomizer {

	/**
	 * Customizes the builder of one fallback cache.
	 * @param name the cache name
	 * @param builder the builder, already configured from {@code safemap.breaker.*}
	 * @param storage the Spring cache that stores the cache's last known good values
	 */
	void customize(String name, FallbackCache.Builder<Object, Object> builder, Cache storage);

}
