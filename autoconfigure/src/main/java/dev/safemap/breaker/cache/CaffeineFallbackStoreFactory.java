package dev.safemap.breaker.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;

import org.springframework.cache.caffeine.CaffeineCache;

/**
 * Keeps each fallback cache's last known good values in an embedded, bounded Caffeine cache (statistics
 * recorded) that expires entries at the cache's maximum staleness. Needs Caffeine and
 * {@code spring-context-support}.
 * <p>
 * Thread-safety: stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class CaffeineFallbackStoreFactory implements FallbackStoreFactory {

	@Override
	public FallbackStore<Object> create(FallbackCacheSettings settings) {
		return new SpringCacheFallbackStore(new CaffeineCache(settings.name(),
				Caffeine.newBuilder()
					.maximumSize(settings.maximumSize())
					.expireAfterWrite(settings.maxStaleness())
					.recordStats()
					.build(),
				false));
	}

	@Override
	public String description() {
		return "caffeine";
	}

}
