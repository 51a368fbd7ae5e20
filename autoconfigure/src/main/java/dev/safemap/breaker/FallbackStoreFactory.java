package dev.safemap.breaker;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Creates the {@link FallbackStore} of each fallback cache that {@link FallbackCaches} creates (SPI). The
 * Spring glue provides embedded Caffeine, Redis and any {@code CacheManager}.
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface FallbackStoreFactory {

	/**
	 * Creates the store of one fallback cache; called once per cache.
	 * @param settings the cache's settings (name, size bound, maximum staleness)
	 * @return the store
	 */
	FallbackStore<Object> create(FallbackCacheSettings settings);

	/**
	 * Creates the store of one fallback cache whose values have a declared type; called once per cache. Stores that
	 * serialize (Redis) read values back as this type only, so nothing they hold can choose what is instantiated.
	 * The default ignores the type and calls {@link #create(FallbackCacheSettings)}.
	 * @param settings the cache's settings (name, size bound, maximum staleness)
	 * @param valueType the type of the values (for example {@code Price.class}, or a {@code ParameterizedType} for
	 * {@code List<Price>}), or null when the cache was created without one
	 * @return the store
	 * @throws IllegalArgumentException if the store needs a value type and none was declared
	 */
	default FallbackStore<Object> create(FallbackCacheSettings settings, @Nullable Type valueType) {
		return create(settings);
	}

	/**
	 * Describes the storage, for logs and health details ({@code caffeine}, {@code redis}, ...).
	 * @return a short description
	 */
	String description();

}
