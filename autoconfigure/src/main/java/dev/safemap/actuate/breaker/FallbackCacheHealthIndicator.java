package dev.safemap.actuate.breaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCacheStats;
import dev.safemap.breaker.FallbackCaches;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the fallback caches: which circuit breakers are open and which caches are serving
 * stale values. The status stays UP: an application answering from its fallback caches is
 * degraded, not down, and reporting DOWN would get healthy instances restarted for a downstream's
 * outage. Alert on the {@code openBreakers} and {@code servingStale} details instead.
 */
public final class FallbackCacheHealthIndicator extends AbstractHealthIndicator {

	private final FallbackCaches caches;

	public FallbackCacheHealthIndicator(FallbackCaches caches) {
		super("Fallback cache health check failed");
		this.caches = caches;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> openBreakers = new ArrayList<>();
		List<String> servingStale = new ArrayList<>();
		Map<String, Object> details = new LinkedHashMap<>();
		for (Map.Entry<String, FallbackCache<?, ?>> entry : this.caches.caches().entrySet()) {
			FallbackCache<?, ?> cache = entry.getValue();
			CircuitBreaker.State state = cache.circuitBreaker().getState();
			if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
				openBreakers.add(entry.getKey());
			}
			if (cache.isServingStale()) {
				servingStale.add(entry.getKey());
			}
			FallbackCacheStats stats = cache.stats();
			Map<String, Object> cacheDetails = new LinkedHashMap<>();
			cacheDetails.put("circuitBreaker", state.name().toLowerCase(java.util.Locale.ROOT));
			cacheDetails.put("servingStale", cache.isServingStale());
			cacheDetails.put("fallbacks", stats.fallbacks());
			cacheDetails.put("staleRejected", stats.staleRejected());
			cacheDetails.put("refreshFailures", stats.refreshFailures());
			cacheDetails.put("valuesUnreadable", stats.valuesUnreadable());
			details.put(entry.getKey(), cacheDetails);
		}
		builder.up()
			.withDetail("storage", this.caches.storage())
			.withDetail("openBreakers", openBreakers)
			.withDetail("servingStale", servingStale)
			.withDetail("caches", details);
	}

}
