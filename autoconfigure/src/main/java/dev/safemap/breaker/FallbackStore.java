package dev.safemap.breaker;

import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * Storage of last known good values for one fallback cache (SPI).
 * <p>
 * The Spring glue adapts Spring's {@code org.springframework.cache.Cache}, so any
 * {@code CacheManager} (embedded Caffeine by default, Redis for many instances) can back a
 * fallback cache. Implementations may drop entries at any time (size bounds, expiry); a dropped
 * entry is simply a miss. They must never turn a missing entry into an empty value.
 * <p>
 * Thread-safety: implementations must be thread-safe; a fallback cache calls them concurrently.
 *
 * @param <V> the value type
 * @since 0.1.0
 */
public interface FallbackStore<V> {

	/**
	 * Reads the entry for a key.
	 * @param key the key, not null
	 * @return the entry, or null when there is none
	 */
	@Nullable StoredValue<V> get(Object key);

	/**
	 * Stores (or replaces) the entry for a key.
	 * @param key the key, not null
	 * @param entry the entry, not null
	 */
	void put(Object key, StoredValue<V> entry);

	/**
	 * Removes the entry for a key, if any.
	 * @param key the key, not null
	 */
	void evict(Object key);

	/**
	 * Returns a store backed by a concurrent map, for programmatic use without Spring and for
	 * tests. The map is not bounded by this store: pass a bounded map (for example a Caffeine
	 * cache's {@code asMap()}) in production.
	 * @param <V> the value type
	 * @param map the backing map, not null
	 * @return a store over the map
	 * @throws NullPointerException if map is null
	 */
	static <V> FallbackStore<V> of(ConcurrentMap<Object, StoredValue<V>> map) {
		Objects.requireNonNull(map, "map must not be null");
		return new FallbackStore<>() {

			@Override
			public @Nullable StoredValue<V> get(Object key) {
				return map.get(key);
			}

			@Override
			public void put(Object key, StoredValue<V> entry) {
				map.put(key, entry);
			}

			@Override
			public void evict(Object key) {
				map.remove(key);
			}

		};
	}

}
