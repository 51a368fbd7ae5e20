package dev.safemap.breaker;

/**
 * Customizes each fallback cache as {@link FallbackCaches} creates it: add a listener, a predicate of values
 * to store, and so on. In a Spring Boot application every bean of this type is applied, in order.
 * <p>
 * Thread-safety: called once per cache, on the thread that first asks for the cache.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FallbackCacheCustomizer {

	/**
	 * Customizes one cache.
	 * @param name the cache name
	 * @param builder the cache's builder
	 * @param store the cache's store of last known good values
	 */
	void customize(String name, FallbackCache.Builder<Object, Object> builder, FallbackStore<Object> store);

}
