package dev.safemap.breaker;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.jspecify.annotations.Nullable;

/**
 * Puts calls to a downstream behind a Resilience4j {@link CircuitBreaker} and keeps the last known
 * good answer per key, so that a failing, slow or open-circuited downstream is answered from that
 * value within a staleness budget.
 * <p>
 * Behaviour of one call for a key:
 * <ul>
 * <li>when a refresh age is configured and the stored value is younger than it, the value is
 * returned without calling the downstream ({@link FallbackResult.Source#HIT});</li>
 * <li>when the stored value is older than the refresh age but younger than the maximum staleness,
 * it is returned at once and one background refresh per key is started
 * ({@link FallbackResult.Source#STALE_WHILE_REFRESHING}); with an open circuit no refresh is
 * attempted ({@link FallbackResult.Source#FALLBACK_CIRCUIT_OPEN});</li>
 * <li>otherwise the downstream is called through the breaker; concurrent calls for the same key
 * share that one call (single flight, waiters bounded by the wait timeout). A success is stored as
 * last known good unless it is null, empty (without the opt-in) or rejected by the predicate;</li>
 * <li>when that call fails, times out or is not permitted, the stored value is returned if it is
 * younger than the maximum staleness ({@link FallbackResult.Source#FALLBACK_AFTER_FAILURE},
 * {@link FallbackResult.Source#FALLBACK_CIRCUIT_OPEN}); otherwise the original exception is
 * rethrown. Exceptions the breaker is configured to ignore are rethrown at once: they are
 * answers, not failures.</li>
 * </ul>
 * {@snippet :
 * FallbackCache<String, Price> prices = FallbackCache.<String, Price>builder("prices", circuitBreaker)
 *     .maxStaleness(Duration.ofMinutes(10))
 *     .refreshAfter(Duration.ofSeconds(30))
 *     .refreshExecutor(executor)
 *     .build();
 * Price price = prices.call("ACME", () -> client.price("ACME"));
 * }
 * <p>
 * Thread-safety: a FallbackCache instance is thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @since 0.1.0
 */
public interface FallbackCache<K, V> {

	/**
	 * Returns the cache name (also the circuit breaker's name when built by the Spring glue).
	 * @return the name
	 */
	String name();

	/**
	 * Returns the circuit breaker the downstream calls go through.
	 * @return the circuit breaker
	 */
	CircuitBreaker circuitBreaker();

	/**
	 * Calls the downstream for a key, or answers from the last known good value as described in
	 * the type's documentation.
	 * @param key the key, not null
	 * @param downstream the downstream call, not null
	 * @return the answer; null only when the downstream itself answered null
	 * @throws RuntimeException the downstream's original exception (or the breaker's
	 * {@code CallNotPermittedException}) when no value young enough is stored; the downstream's
	 * checked exceptions and the {@link java.util.concurrent.TimeoutException} of a caller that
	 * joined a concurrent call and waited longer than the wait timeout are thrown as they are,
	 * undeclared (use {@link #callChecked(Object, Callable)} to have them declared)
	 * @throws NullPointerException if key or downstream is null
	 */
	@Nullable V call(K key, Supplier<? extends @Nullable V> downstream);

	/**
	 * Like {@link #call(Object, Supplier)} for a downstream that throws checked exceptions.
	 * @param key the key, not null
	 * @param downstream the downstream call, not null
	 * @return the answer; null only when the downstream itself answered null
	 * @throws Exception the downstream's original exception when no value young enough is stored
	 */
	@Nullable V callChecked(K key, Callable<? extends @Nullable V> downstream) throws Exception;

	/**
	 * Like {@link #call(Object, Supplier)}, returning where the answer came from and how old it is.
	 * @param key the key, not null
	 * @param downstream the downstream call, not null
	 * @return the answer with its source and age
	 */
	FallbackResult<V> callForResult(K key, Supplier<? extends @Nullable V> downstream);

	/**
	 * Asynchronous variant: the downstream returns a {@link CompletionStage}, which is limited by
	 * the time limiter when one is configured.
	 * @param key the key, not null
	 * @param downstream supplies the downstream call's stage, not null
	 * @return a future of the answer, completed exceptionally with the original failure when no
	 * value young enough is stored
	 */
	CompletableFuture<@Nullable V> callAsync(K key, Supplier<? extends CompletionStage<V>> downstream);

	/**
	 * Asynchronous variant returning where the answer came from and how old it is.
	 * @param key the key, not null
	 * @param downstream supplies the downstream call's stage, not null
	 * @return a future of the answer with its source and age
	 */
	CompletableFuture<FallbackResult<V>> callAsyncForResult(K key, Supplier<? extends CompletionStage<V>> downstream);

	/**
	 * Removes the last known good value for a key. The next call for it goes to the downstream;
	 * if that fails, the failure is rethrown (an invalidated entry never comes back as an empty
	 * value).
	 * @param key the key, not null
	 */
	void invalidate(K key);

	/**
	 * Whether the last answer of this cache was a fallback and no fresh value has been stored
	 * since.
	 * @return true while the cache is serving stale values
	 */
	boolean isServingStale();

	/**
	 * Returns the counters of this cache.
	 * @return a snapshot of the counters
	 */
	FallbackCacheStats stats();

	/**
	 * Returns the staleness budget: the oldest a last known good value may be and still be served.
	 * @return the maximum staleness
	 * @since 0.1.0
	 */
	Duration maxStaleness();

	/**
	 * Starts building a fallback cache.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the cache name, not blank
	 * @param circuitBreaker the circuit breaker calls go through, not null
	 * @return a builder
	 * @throws IllegalArgumentException if name is blank
	 * @throws NullPointerException if name or circuitBreaker is null
	 */
	static <K, V> Builder<K, V> builder(String name, CircuitBreaker circuitBreaker) {
		return new Builder<>(name, circuitBreaker);
	}

	/**
	 * Builds a {@link FallbackCache}. Defaults: maximum staleness 10 minutes, no refresh age (every
	 * call goes to the downstream, the stored value is used only as a fallback), empty values not
	 * stored, every non-empty value accepted, system UTC clock, refresh on the common fork-join
	 * pool, an unbounded in-memory store, wait timeout = the time limiter's timeout or 10 seconds.
	 * <p>
	 * Thread-safety: a builder is not thread-safe; confine it to one thread.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 * @since 0.1.0
	 */
	final class Builder<K, V> {

		static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(10);

		static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(10);

		final String name;

		final CircuitBreaker circuitBreaker;

		@Nullable TimeLimiter timeLimiter;

		@Nullable ScheduledExecutorService timeLimiterScheduler;

		@Nullable FallbackStore<V> store;

		Clock clock = Clock.systemUTC();

		Executor refreshExecutor = ForkJoinPool.commonPool();

		Duration maxStaleness = DEFAULT_MAX_STALENESS;

		@Nullable Duration refreshAfter;

		@Nullable Duration waitTimeout;

		boolean cacheEmpty;

		Predicate<? super V> cacheable = (value) -> true;

		boolean showKeys;

		KeyMasker keyMasker = KeyMasker.shared();

		final List<FallbackCacheListener> listeners = new ArrayList<>();

		private Builder(String name, CircuitBreaker circuitBreaker) {
			Objects.requireNonNull(name, "name must not be null");
			if (name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
			}
			this.name = name;
			this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker must not be null");
		}

		/**
		 * Limits asynchronous downstream calls with a Resilience4j time limiter.
		 * @param timeLimiter the time limiter, not null
		 * @param scheduler schedules the timeouts, not null
		 * @return this builder
		 */
		public Builder<K, V> timeLimiter(TimeLimiter timeLimiter, ScheduledExecutorService scheduler) {
			this.timeLimiter = Objects.requireNonNull(timeLimiter, "timeLimiter must not be null");
			this.timeLimiterScheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
			return this;
		}

		/**
		 * Sets where last known good values are kept.
		 * @param store the store, not null
		 * @return this builder
		 */
		public Builder<K, V> store(FallbackStore<V> store) {
			this.store = Objects.requireNonNull(store, "store must not be null");
			return this;
		}

		/**
		 * Sets the clock that dates stored values and measures their age.
		 * @param clock the clock, not null
		 * @return this builder
		 */
		public Builder<K, V> clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets the executor background refreshes run on.
		 * @param executor the executor, not null
		 * @return this builder
		 */
		public Builder<K, V> refreshExecutor(Executor executor) {
			this.refreshExecutor = Objects.requireNonNull(executor, "executor must not be null");
			return this;
		}

		/**
		 * Sets the maximum age of a value served as a fallback.
		 * @param maxStaleness the maximum staleness, positive
		 * @return this builder
		 * @throws IllegalArgumentException if maxStaleness is zero or negative
		 */
		public Builder<K, V> maxStaleness(Duration maxStaleness) {
			Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
			if (maxStaleness.isZero() || maxStaleness.isNegative()) {
				throw new IllegalArgumentException("maxStaleness must be positive but was " + maxStaleness);
			}
			this.maxStaleness = maxStaleness;
			return this;
		}

		/**
		 * Sets the age after which a stored value is served at once and refreshed in the
		 * background, or null to call the downstream on every call.
		 * @param refreshAfter the refresh age, positive and not above the maximum staleness, or
		 * null
		 * @return this builder
		 * @throws IllegalArgumentException if refreshAfter is zero or negative
		 */
		public Builder<K, V> refreshAfter(@Nullable Duration refreshAfter) {
			if (refreshAfter != null && (refreshAfter.isZero() || refreshAfter.isNegative())) {
				throw new IllegalArgumentException("refreshAfter must be positive but was " + refreshAfter);
			}
			this.refreshAfter = refreshAfter;
			return this;
		}

		/**
		 * Sets how long a call waits for a concurrent call for the same key it joined.
		 * @param waitTimeout the wait timeout, positive
		 * @return this builder
		 * @throws IllegalArgumentException if waitTimeout is zero or negative
		 */
		public Builder<K, V> waitTimeout(Duration waitTimeout) {
			Objects.requireNonNull(waitTimeout, "waitTimeout must not be null");
			if (waitTimeout.isZero() || waitTimeout.isNegative()) {
				throw new IllegalArgumentException("waitTimeout must be positive but was " + waitTimeout);
			}
			this.waitTimeout = waitTimeout;
			return this;
		}

		/**
		 * Sets whether empty values (empty collections, maps, strings and arrays) are stored as last
		 * known good. Null is never stored.
		 * @param cacheEmpty whether empty values are stored
		 * @return this builder
		 */
		public Builder<K, V> cacheEmpty(boolean cacheEmpty) {
			this.cacheEmpty = cacheEmpty;
			return this;
		}

		/**
		 * Sets a predicate a value must pass to be stored as last known good.
		 * @param cacheable the predicate, not null
		 * @return this builder
		 */
		public Builder<K, V> cacheable(Predicate<? super V> cacheable) {
			this.cacheable = Objects.requireNonNull(cacheable, "cacheable must not be null");
			return this;
		}

		/**
		 * Sets whether raw keys may appear in logs (masked with {@code KeyMasker} otherwise).
		 * @param showKeys whether raw keys are shown
		 * @return this builder
		 */
		public Builder<K, V> showKeys(boolean showKeys) {
			this.showKeys = showKeys;
			return this;
		}

		/**
		 * Sets what masks keys in logs: {@link KeyMasker#shared()} by default; give the application's masker so that a
		 * key has the same mask everywhere.
		 * @param keyMasker the masker
		 * @return this builder
		 * @throws NullPointerException if keyMasker is null
		 */
		public Builder<K, V> keyMasker(KeyMasker keyMasker) {
			this.keyMasker = Objects.requireNonNull(keyMasker, "keyMasker must not be null");
			return this;
		}

		/**
		 * Adds a listener.
		 * @param listener the listener, not null
		 * @return this builder
		 */
		public Builder<K, V> listener(FallbackCacheListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Builds the cache.
		 * @return a new fallback cache
		 * @throws IllegalStateException if the refresh age is above the maximum staleness
		 */
		public FallbackCache<K, V> build() {
			if (this.refreshAfter != null && this.refreshAfter.compareTo(this.maxStaleness) > 0) {
				throw new IllegalStateException("refreshAfter (" + this.refreshAfter
						+ ") must not be above maxStaleness (" + this.maxStaleness + ")");
			}
			if (this.store == null) {
				this.store = FallbackStore.of(new ConcurrentHashMap<>());
			}
			return new DefaultFallbackCache<>(this);
		}

		Duration effectiveWaitTimeout() {
			if (this.waitTimeout != null) {
				return this.waitTimeout;
			}
			return (this.timeLimiter != null) ? this.timeLimiter.getTimeLimiterConfig().getTimeoutDuration()
					: DEFAULT_WAIT_TIMEOUT;
		}

	}

}
