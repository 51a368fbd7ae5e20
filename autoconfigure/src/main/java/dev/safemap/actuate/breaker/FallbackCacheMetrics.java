package dev.safemap.actuate.breaker;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.safemap.breaker.FallbackCacheListener;
import dev.safemap.breaker.FallbackResult;
import dev.safemap.breaker.UnreadableStoredValueException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of one fallback cache, all tagged {@code cache}: the timer
 * {@code safemap.breaker.calls} (tag {@code source}: fresh, hit, stale_while_refreshing,
 * fallback_after_failure, fallback_circuit_open), the counters {@code safemap.breaker.fallbacks},
 * {@code safemap.breaker.stale.rejected}, {@code safemap.breaker.refreshes} (tag {@code outcome}:
 * started, failed) and {@code safemap.breaker.values.rejected}, and the timer
 * {@code safemap.breaker.fallback.age} (age of the values served as fallbacks). Meters are
 * registered once, so recording does no lookup.
 */
public final class FallbackCacheMetrics implements FallbackCacheListener {

	private final Map<FallbackResult.Source, Timer> calls = new EnumMap<>(FallbackResult.Source.class);

	private final Counter fallbacks;

	private final Timer fallbackAge;

	private final Counter staleRejected;

	private final Counter refreshesStarted;

	private final Counter refreshesFailed;

	private final Counter valuesRejected;

	private final Counter valuesUnreadable;

	public FallbackCacheMetrics(MeterRegistry registry, String cache) {
		for (FallbackResult.Source source : FallbackResult.Source.values()) {
			this.calls.put(source, Timer.builder("safemap.breaker.calls")
				.description("Calls through a fallback cache, by where the answer came from")
				.tag("cache", cache)
				.tag("source", source.name().toLowerCase(java.util.Locale.ROOT))
				.register(registry));
		}
		this.fallbacks = Counter.builder("safemap.breaker.fallbacks")
			.description("Last known good values served because the downstream failed or its circuit was open")
			.tag("cache", cache)
			.register(registry);
		this.fallbackAge = Timer.builder("safemap.breaker.fallback.age")
			.description("Age of the last known good values served as fallbacks")
			.tag("cache", cache)
			.register(registry);
		this.staleRejected = Counter.builder("safemap.breaker.stale.rejected")
			.description("Stored values too old to be served; the failure was rethrown")
			.tag("cache", cache)
			.register(registry);
		this.refreshesStarted = Counter.builder("safemap.breaker.refreshes")
			.description("Background refreshes")
			.tag("cache", cache)
			.tag("outcome", "started")
			.register(registry);
		this.refreshesFailed = Counter.builder("safemap.breaker.refreshes")
			.description("Background refreshes")
			.tag("cache", cache)
			.tag("outcome", "failed")
			.register(registry);
		this.valuesUnreadable = Counter.builder("safemap.breaker.values.unreadable")
			.description("Reads of the store that found a value that could not be read safely (another format or "
					+ "type, a planted payload); each was treated as a miss")
			.tag("cache", cache)
			.register(registry);
		this.valuesRejected = Counter.builder("safemap.breaker.values.rejected")
			.description("Downstream answers not stored: null, empty or rejected by the predicate")
			.tag("cache", cache)
			.register(registry);
	}

	@Override
	public void onAnswer(String cache, FallbackResult.Source source, long durationNanos) {
		this.calls.get(source).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onFallbackServed(String cache, Object key, Duration age, @Nullable Throwable failure) {
		this.fallbacks.increment();
		this.fallbackAge.record(age);
	}

	@Override
	public void onStaleRejected(String cache, Object key, Duration age, Throwable failure) {
		this.staleRejected.increment();
	}

	@Override
	public void onRefreshStarted(String cache, Object key) {
		this.refreshesStarted.increment();
	}

	@Override
	public void onRefreshFailed(String cache, Object key, Throwable failure) {
		this.refreshesFailed.increment();
	}

	@Override
	public void onValueRejected(String cache, Object key, @Nullable Object value) {
		this.valuesRejected.increment();
	}

	@Override
	public void onValueUnreadable(String cache, Object key, UnreadableStoredValueException failure) {
		this.valuesUnreadable.increment();
	}

}
