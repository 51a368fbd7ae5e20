package dev.safemap.breaker.cache;

import java.util.Objects;

import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.StoredValue;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;

/**
 * A {@link FallbackStore} on a Spring {@link Cache}, so that any {@code CacheManager} (embedded Caffeine,
 * Redis, ...) can keep a fallback cache's last known good values. Anything in the cache that is not a
 * {@link StoredValue} (a foreign or evicted value) reads as a miss, never as an empty answer.
 * <p>
 * Thread-safety: as thread-safe as the Spring cache it wraps (every Spring cache implementation is).
 *
 * @since 0.1.0
 */
public final class SpringCacheFallbackStore implements FallbackStore<Object> {

	private final Cache cache;

	/**
	 * Wraps a Spring cache.
	 * @param cache the cache
	 */
	public SpringCacheFallbackStore(Cache cache) {
		this.cache = Objects.requireNonNull(cache, "cache must not be null");
	}

	/**
	 * Returns the Spring cache behind this store (for metrics of its native cache).
	 * @return the cache
	 */
	public Cache cache() {
		return this.cache;
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable StoredValue<Object> get(Object key) {
		Cache.ValueWrapper wrapper = this.cache.get(key);
		Object value = (wrapper != null) ? wrapper.get() : null;
		return (value instanceof StoredValue<?> stored) ? (StoredValue<Object>) stored : null;
	}

	@Override
	public void put(Object key, StoredValue<Object> entry) {
		this.cache.put(key, entry);
	}

	@Override
	public void evict(Object key) {
		this.cache.evict(key);
	}

}
