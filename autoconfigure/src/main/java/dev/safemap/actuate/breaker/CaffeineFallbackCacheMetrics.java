package dev.safemap.actuate.breaker;

import java.util.Objects;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCacheCustomizer;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.cache.SpringCacheFallbackStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.jspecify.annotations.Nullable;

/**
 * Binds Caffeine's own statistics ({@code cache.gets}, {@code cache.evictions}, ...) of each fallback cache stored
 * in an embedded Caffeine cache, as cache {@code safemap.breaker.<name>} of cache manager {@code safemapBreaker};
 * other stores are left alone. Needs Caffeine on the class path.
 * <p>
 * Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class CaffeineFallbackCacheMetrics implements FallbackCacheCustomizer {

	private final Supplier<@Nullable MeterRegistry> registry;

	/**
	 * Creates the customizer.
	 * @param registry supplies the meter registry when a cache is created, or null to bind nothing
	 */
	public CaffeineFallbackCacheMetrics(Supplier<@Nullable MeterRegistry> registry) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
	}

	@Override
	public void customize(String name, FallbackCache.Builder<Object, Object> builder, FallbackStore<Object> store) {
		MeterRegistry meterRegistry = this.registry.get();
		if (meterRegistry != null && store instanceof SpringCacheFallbackStore spring
				&& spring.cache().getNativeCache() instanceof Cache<?, ?> caffeine) {
			CaffeineCacheMetrics.monitor(meterRegistry, caffeine, "safemap.breaker." + name,
					Tags.of("cache.manager", "safemapBreaker"));
		}
	}

}
