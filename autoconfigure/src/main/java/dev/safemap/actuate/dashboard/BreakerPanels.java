package dev.safemap.actuate.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.safemap.actuate.dashboard.BreakerActivity.FallbackAges;
import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakerView;
import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakersPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.CacheView;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCacheStats;
import dev.safemap.breaker.FallbackCaches;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The fallback caches panel: each cache with its breaker's state and recent transitions, its counters (the ones its
 * health indicator and meters show) and the age of the values it served from fallback against its staleness budget;
 * and the registry's other breakers. No key is shown.
 * <p>
 * Thread-safety: the supplier returned is thread-safe.
 *
 * @since 0.1.0
 */
public final class BreakerPanels {

	private BreakerPanels() {
	}

	/**
	 * The panel.
	 * @param caches the fallback caches
	 * @param breakers the circuit breaker registry, for breakers without a cache; may be null
	 * @param activity the transitions and fallback ages recorded
	 * @param instance this instance's name
	 * @return the panel's source
	 */
	public static Supplier<BreakersPanel> of(FallbackCaches caches, @Nullable CircuitBreakerRegistry breakers,
			BreakerActivity activity, String instance) {
		Objects.requireNonNull(caches, "caches must not be null");
		Objects.requireNonNull(activity, "activity must not be null");
		return () -> {
			List<CacheView> views = new ArrayList<>();
			Map<String, FallbackCache<?, ?>> all = caches.caches();
			for (FallbackCache<?, ?> cache : all.values()) {
				views.add(view(cache, activity));
			}
			List<BreakerView> others = new ArrayList<>();
			if (breakers != null) {
				Set<String> cached = all.keySet();
				Map<String, CircuitBreaker> sorted = new TreeMap<>();
				breakers.getAllCircuitBreakers().forEach((breaker) -> sorted.put(breaker.getName(), breaker));
				sorted.values()
					.stream()
					.filter((breaker) -> !cached.contains(breaker.getName()))
					.forEach((breaker) -> others.add(breaker(breaker, activity)));
			}
			return new BreakersPanel(instance, true, null, caches.storage(), views, others);
		};
	}

	private static CacheView view(FallbackCache<?, ?> cache, BreakerActivity activity) {
		FallbackCacheStats stats = cache.stats();
		long budget = cache.maxStaleness().toMillis();
		FallbackAges ages = activity.fallbackAges(cache.name());
		long oldest = (ages != null) ? ages.oldestLastMinuteMillis() : 0;
		double used = (budget > 0) ? Math.min(1.0, (double) oldest / budget) : 0;
		return new CacheView(cache.name(), breaker(cache.circuitBreaker(), activity), cache.isServingStale(),
				stats.hits(), stats.downstreamCalls(), stats.fallbacks(), stats.staleRejected(), budget,
				(ages != null) ? ages.lastAgeMillis() : null, oldest, used);
	}

	private static BreakerView breaker(CircuitBreaker breaker, BreakerActivity activity) {
		return new BreakerView(breaker.getName(), breaker.getState().name(), activity.stateSince(breaker.getName()),
				breaker.getMetrics().getFailureRate(), activity.transitions(breaker.getName()));
	}

}
