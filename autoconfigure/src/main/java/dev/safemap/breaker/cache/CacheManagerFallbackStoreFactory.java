package dev.safemap.breaker.cache;

import java.util.Objects;

import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Keeps each fallback cache's last known good values in the cache of the same name of an application
 * {@link CacheManager}; the cache manager decides expiry and size.
 * <p>
 * Thread-safety: immutable and as thread-safe as the cache manager (every Spring implementation is).
 *
 * @since 0.1.0
 */
public final class CacheManagerFallbackStoreFactory implements FallbackStoreFactory {

	private final String name;

	private final CacheManager cacheManager;

	/**
	 * Creates the factory.
	 * @param name the cache manager's name (its bean name), for descriptions and errors
	 * @param cacheManager the cache manager
	 */
	public CacheManagerFallbackStoreFactory(String name, CacheManager cacheManager) {
		this.name = Objects.requireNonNull(name, "name must not be null");
		this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager must not be null");
	}

	/**
	 * Returns a store on the cache manager's cache of the fallback cache's name.
	 * @throws IllegalStateException if the cache manager has no cache of that name
	 */
	@Override
	public FallbackStore<Object> create(FallbackCacheSettings settings) {
		Cache cache = this.cacheManager.getCache(settings.name());
		if (cache == null) {
			throw new IllegalStateException("the CacheManager '" + this.name + "' has no cache named '"
					+ settings.name() + "': declare the cache in that CacheManager or let it create caches on demand");
		}
		return new SpringCacheFallbackStore(cache);
	}

	@Override
	public String description() {
		return "cache-manager:" + this.name;
	}

}
