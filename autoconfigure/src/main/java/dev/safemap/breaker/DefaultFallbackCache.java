package dev.safemap.breaker;

import java.lang.reflect.Array;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.Objects;

import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import dev.safemap.jfr.SafeMapEvents;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FallbackCache} implementation. The breaker is driven through its public permission
 * API ({@code tryAcquirePermission}, {@code onResult}, {@code onError}), exactly as
 * {@code CircuitBreaker.decorateCallable} does, so that an open circuit can be answered from the
 * store without creating (and filling the stack trace of) a {@link CallNotPermittedException}.
 */
final class DefaultFallbackCache<K, V> implements FallbackCache<K, V> {

	private static final Logger logger = LoggerFactory.getLogger(FallbackCache.class);

	private static final String FALLBACK_LOG = "Fallback cache '{}' served the last known good value for key {}, {} ms old, because {}";

	private final String name;

	private final CircuitBreaker circuitBreaker;

	private final @Nullable TimeLimiter timeLimiter;

	private final @Nullable ScheduledExecutorService scheduler;

	private final FallbackStore<V> store;

	private final Clock clock;

	private final Executor refreshExecutor;

	private final long maxStalenessMillis;

	/** Negative when no refresh age is configured. */
	private final long refreshAfterMillis;

	private final long waitTimeoutNanos;

	private final boolean cacheEmpty;

	private final Predicate<? super V> cacheable;

	private final boolean showKeys;

	private final KeyMasker keyMasker;

	private final FallbackCacheListener listener;

	/** Whether anyone listens: answers are timed only then. */
	private final boolean timed;

	private final ConcurrentHashMap<Object, CompletableFuture<@Nullable V>> inFlight = new ConcurrentHashMap<>();

	private final Set<Object> refreshing = ConcurrentHashMap.newKeySet();

	private final LongAdder hits = new LongAdder();

	private final LongAdder staleWhileRefreshing = new LongAdder();

	private final LongAdder fallbacks = new LongAdder();

	private final LongAdder downstreamCalls = new LongAdder();

	private final LongAdder refreshes = new LongAdder();

	private final LongAdder refreshFailures = new LongAdder();

	private final LongAdder staleRejected = new LongAdder();

	private final LongAdder valuesRejected = new LongAdder();

	private final LongAdder valuesUnreadable = new LongAdder();

	private volatile boolean servingStale;

	DefaultFallbackCache(FallbackCache.Builder<K, V> builder) {
		this.name = builder.name;
		this.circuitBreaker = builder.circuitBreaker;
		this.timeLimiter = builder.timeLimiter;
		this.scheduler = builder.timeLimiterScheduler;
		this.store = Objects.requireNonNull(builder.store);
		this.clock = builder.clock;
		this.refreshExecutor = builder.refreshExecutor;
		this.maxStalenessMillis = builder.maxStaleness.toMillis();
		this.refreshAfterMillis = (builder.refreshAfter != null) ? builder.refreshAfter.toMillis() : -1;
		this.waitTimeoutNanos = builder.effectiveWaitTimeout().toNanos();
		this.cacheEmpty = builder.cacheEmpty;
		this.cacheable = builder.cacheable;
		this.showKeys = builder.showKeys;
		this.keyMasker = builder.keyMasker;
		this.listener = GuardedListener.of(List.copyOf(builder.listeners));
		this.timed = !builder.listeners.isEmpty();
		// one consumer per cache: the flight recorder's breaker transition event (a check when not recording)
		this.circuitBreaker.getEventPublisher()
			.onStateTransition((event) -> SafeMapEvents.breakerTransition(event.getCircuitBreakerName(),
					event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	@Override
	public @Nullable V call(K key, Supplier<? extends @Nullable V> downstream) {
		Objects.requireNonNull(downstream, "downstream must not be null");
		return callForResult(key, downstream).value();
	}

	@Override
	public @Nullable V callChecked(K key, Callable<? extends @Nullable V> downstream) throws Exception {
		Objects.requireNonNull(downstream, "downstream must not be null");
		return answer(key, downstream).value();
	}

	@Override
	public FallbackResult<V> callForResult(K key, Supplier<? extends @Nullable V> downstream) {
		Objects.requireNonNull(downstream, "downstream must not be null");
		return answer(key, downstream::get);
	}

	private FallbackResult<V> answer(K key, Callable<? extends @Nullable V> downstream) {
		Objects.requireNonNull(key, "key must not be null");
		long start = this.timed ? System.nanoTime() : 0;
		FallbackResult<V> result;
		try {
			result = answerSync(key, downstream);
		}
		catch (Throwable ex) {
			// the previous answer must not be mistaken for this call's
			FallbackContext.clear();
			throw ex;
		}
		FallbackContext.record(result);
		if (this.timed) {
			this.listener.onAnswer(this.name, result.source(), System.nanoTime() - start);
		}
		return result;
	}

	private FallbackResult<V> answerSync(K key, Callable<? extends @Nullable V> downstream) {
		StoredValue<V> entry = read(key);
		FallbackResult<V> fromStore = fromStore(key, entry, () -> refreshSync(key, downstream));
		if (fromStore != null) {
			return fromStore;
		}
		if (!this.circuitBreaker.tryAcquirePermission()) {
			return fallbackOrThrow(key, entry, null);
		}
		CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
		CompletableFuture<@Nullable V> leader = this.inFlight.putIfAbsent(key, mine);
		if (leader != null) {
			this.circuitBreaker.releasePermission();
			return awaitLeader(key, entry, leader);
		}
		try {
			if (entry == null) {
				// a concurrent leader may have stored its answer between our read and our registration
				StoredValue<V> late = read(key);
				if (late != null) {
					this.circuitBreaker.releasePermission();
					mine.complete(late.value());
					return new FallbackResult<>(late.value(), FallbackResult.Source.HIT, age(late), null);
				}
			}
			this.downstreamCalls.increment();
			V value;
			try {
				value = invokePermitted(downstream);
			}
			catch (Throwable ex) {
				mine.completeExceptionally(ex);
				return fallbackOrThrow(key, entry, ex);
			}
			storeIfCacheable(key, value);
			mine.complete(value);
			return new FallbackResult<>(value, FallbackResult.Source.FRESH, Duration.ZERO, null);
		}
		finally {
			this.inFlight.remove(key, mine);
		}
	}

	private FallbackResult<V> awaitLeader(K key, @Nullable StoredValue<V> entry, CompletableFuture<@Nullable V> leader) {
		try {
			V value = leader.get(this.waitTimeoutNanos, TimeUnit.NANOSECONDS);
			return new FallbackResult<>(value, FallbackResult.Source.FRESH, Duration.ZERO, null);
		}
		catch (ExecutionException ex) {
			return fallbackOrThrow(key, entry, unwrap(ex));
		}
		catch (TimeoutException ex) {
			return fallbackOrThrow(key, entry, waitTimeout(key));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fallbackOrThrow(key, entry, ex);
		}
	}

	@Override
	public CompletableFuture<@Nullable V> callAsync(K key, Supplier<? extends CompletionStage<V>> downstream) {
		return callAsyncForResult(key, downstream).thenApply(FallbackResult::value);
	}

	@Override
	public CompletableFuture<FallbackResult<V>> callAsyncForResult(K key,
			Supplier<? extends CompletionStage<V>> downstream) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(downstream, "downstream must not be null");
		long start = System.nanoTime();
		CompletableFuture<FallbackResult<V>> result;
		try {
			result = answerAsync(key, downstream);
		}
		catch (Throwable ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		return result.whenComplete((answer, failure) -> {
			if (answer != null) {
				this.listener.onAnswer(this.name, answer.source(), System.nanoTime() - start);
			}
		});
	}

	private CompletableFuture<FallbackResult<V>> answerAsync(K key, Supplier<? extends CompletionStage<V>> downstream) {
		StoredValue<V> entry = read(key);
		FallbackResult<V> fromStore = fromStore(key, entry, () -> refreshAsync(key, downstream));
		if (fromStore != null) {
			return CompletableFuture.completedFuture(fromStore);
		}
		if (!this.circuitBreaker.tryAcquirePermission()) {
			return CompletableFuture.completedFuture(fallbackOrThrow(key, entry, null));
		}
		CompletableFuture<@Nullable V> mine = new CompletableFuture<>();
		CompletableFuture<@Nullable V> leader = this.inFlight.putIfAbsent(key, mine);
		CompletableFuture<@Nullable V> shared;
		if (leader != null) {
			this.circuitBreaker.releasePermission();
			shared = withWaitTimeout(key, leader.copy());
		}
		else {
			StoredValue<V> late = (entry != null) ? null : read(key);
			if (late != null) {
				this.circuitBreaker.releasePermission();
				this.inFlight.remove(key, mine);
				mine.complete(late.value());
				return CompletableFuture
					.completedFuture(new FallbackResult<>(late.value(), FallbackResult.Source.HIT, age(late), null));
			}
			this.downstreamCalls.increment();
			invokePermittedAsync(downstream).whenComplete((value, failure) -> {
				if (failure == null) {
					storeIfCacheable(key, value);
				}
				this.inFlight.remove(key, mine);
				if (failure == null) {
					mine.complete(value);
				}
				else {
					mine.completeExceptionally(unwrap(failure));
				}
			});
			shared = mine;
		}
		return shared.handle((value, failure) -> (failure == null)
				? new FallbackResult<>(value, FallbackResult.Source.FRESH, Duration.ZERO, null)
				: fallbackOrThrow(key, entry, unwrap(failure)));
	}

	@Override
	public void invalidate(K key) {
		Objects.requireNonNull(key, "key must not be null");
		this.store.evict(key);
	}

	@Override
	public boolean isServingStale() {
		return this.servingStale;
	}

	@Override
	public Duration maxStaleness() {
		return Duration.ofMillis(this.maxStalenessMillis);
	}

	@Override
	public FallbackCacheStats stats() {
		return new FallbackCacheStats(this.hits.sum(), this.staleWhileRefreshing.sum(), this.fallbacks.sum(),
				this.downstreamCalls.sum(), this.refreshes.sum(), this.refreshFailures.sum(), this.staleRejected.sum(),
				this.valuesRejected.sum(), this.valuesUnreadable.sum());
	}

	@Override
	public String toString() {
		return "FallbackCache[" + this.name + "]";
	}

	/**
	 * Answers from the store when a refresh age is configured and the value is young enough.
	 */
	private @Nullable FallbackResult<V> fromStore(K key, @Nullable StoredValue<V> entry, Runnable refresh) {
		if (entry == null || this.refreshAfterMillis < 0) {
			return null;
		}
		long age = ageMillis(entry);
		if (age < this.refreshAfterMillis) {
			this.hits.increment();
			return new FallbackResult<>(entry.value(), FallbackResult.Source.HIT, Duration.ofMillis(age), null);
		}
		if (age >= this.maxStalenessMillis) {
			return null;
		}
		CircuitBreaker.State state = this.circuitBreaker.getState();
		if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
			return servedFallback(key, entry, age, null);
		}
		this.staleWhileRefreshing.increment();
		refresh.run();
		return new FallbackResult<>(entry.value(), FallbackResult.Source.STALE_WHILE_REFRESHING, Duration.ofMillis(age),
				null);
	}

	/**
	 * Serves the last known good value younger than the maximum staleness, or rethrows the
	 * original failure. A null failure means the breaker did not permit the call.
	 */
	private FallbackResult<V> fallbackOrThrow(K key, @Nullable StoredValue<V> entry, @Nullable Throwable failure) {
		if (failure != null && !(failure instanceof CallNotPermittedException)
				&& this.circuitBreaker.getCircuitBreakerConfig().getIgnoreExceptionPredicate().test(failure)) {
			// the breaker treats this exception as an answer (for example "not found"): pass it on
			throw sneakyThrow(failure);
		}
		StoredValue<V> latest = (entry != null) ? entry : read(key);
		if (latest != null) {
			long age = ageMillis(latest);
			if (age < this.maxStalenessMillis) {
				return servedFallback(key, latest, age, failure);
			}
			Throwable rethrown = (failure != null) ? failure : callNotPermitted();
			this.staleRejected.increment();
			this.listener.onStaleRejected(this.name, key, Duration.ofMillis(age), rethrown);
			throw sneakyThrow(rethrown);
		}
		throw sneakyThrow((failure != null) ? failure : callNotPermitted());
	}

	private FallbackResult<V> servedFallback(K key, StoredValue<V> entry, long age, @Nullable Throwable failure) {
		this.fallbacks.increment();
		this.servingStale = true;
		Duration ageDuration = Duration.ofMillis(age);
		if (logger.isDebugEnabled()) {
			logger.debug(FALLBACK_LOG, this.name, this.keyMasker.maskUnless(key, this.showKeys), age,
					(failure != null) ? failure.toString() : "the circuit breaker is " + this.circuitBreaker.getState());
		}
		SafeMapEvents.fallbackServed(this.name, key, this.keyMasker, this.showKeys, age, failure);
		this.listener.onFallbackServed(this.name, key, ageDuration, failure);
		return new FallbackResult<>(entry.value(),
				(failure != null) ? FallbackResult.Source.FALLBACK_AFTER_FAILURE : FallbackResult.Source.FALLBACK_CIRCUIT_OPEN,
				ageDuration, failure);
	}

	private CallNotPermittedException callNotPermitted() {
		return CallNotPermittedException.createCallNotPermittedException(this.circuitBreaker);
	}

	private TimeoutException waitTimeout(Object key) {
		return new TimeoutException("Fallback cache '" + this.name + "' waited " + Duration.ofNanos(this.waitTimeoutNanos)
				+ " for the concurrent call for key " + this.keyMasker.maskUnless(key, this.showKeys));
	}

	/** Calls the downstream with a permission already acquired, recording the outcome. */
	private @Nullable V invokePermitted(Callable<? extends @Nullable V> downstream) throws Exception {
		long start = this.circuitBreaker.getCurrentTimestamp();
		try {
			V value = downstream.call();
			this.circuitBreaker.onResult(this.circuitBreaker.getCurrentTimestamp() - start,
					this.circuitBreaker.getTimestampUnit(), value);
			return value;
		}
		catch (Throwable ex) {
			this.circuitBreaker.onError(this.circuitBreaker.getCurrentTimestamp() - start,
					this.circuitBreaker.getTimestampUnit(), ex);
			throw ex;
		}
	}

	/** Starts the downstream stage with a permission already acquired, recording the outcome. */
	private CompletableFuture<V> invokePermittedAsync(Supplier<? extends CompletionStage<V>> downstream) {
		long start = this.circuitBreaker.getCurrentTimestamp();
		CompletionStage<V> stage;
		try {
			TimeLimiter limiter = this.timeLimiter;
			ScheduledExecutorService timeouts = this.scheduler;
			stage = (limiter != null && timeouts != null) ? limiter.executeCompletionStage(timeouts, downstream)
					: Objects.requireNonNull(downstream.get(), "downstream returned a null CompletionStage");
		}
		catch (Throwable ex) {
			this.circuitBreaker.onError(this.circuitBreaker.getCurrentTimestamp() - start,
					this.circuitBreaker.getTimestampUnit(), ex);
			return CompletableFuture.failedFuture(ex);
		}
		return stage.toCompletableFuture().whenComplete((value, failure) -> {
			long duration = this.circuitBreaker.getCurrentTimestamp() - start;
			if (failure == null) {
				this.circuitBreaker.onResult(duration, this.circuitBreaker.getTimestampUnit(), value);
			}
			else {
				this.circuitBreaker.onError(duration, this.circuitBreaker.getTimestampUnit(), unwrap(failure));
			}
		});
	}

	private CompletableFuture<@Nullable V> withWaitTimeout(Object key, CompletableFuture<@Nullable V> future) {
		ScheduledExecutorService timeouts = this.scheduler;
		if (timeouts == null) {
			return future.orTimeout(this.waitTimeoutNanos, TimeUnit.NANOSECONDS);
		}
		try {
			var timeout = timeouts.schedule(() -> future.completeExceptionally(waitTimeout(key)), this.waitTimeoutNanos,
					TimeUnit.NANOSECONDS);
			future.whenComplete((value, failure) -> timeout.cancel(false));
		}
		catch (RejectedExecutionException ex) {
			return future.orTimeout(this.waitTimeoutNanos, TimeUnit.NANOSECONDS);
		}
		return future;
	}

	private void refreshSync(K key, Callable<? extends @Nullable V> downstream) {
		if (!this.refreshing.add(key)) {
			return;
		}
		startRefresh(key, () -> {
			if (!this.circuitBreaker.tryAcquirePermission()) {
				refreshFailed(key, callNotPermitted());
				return;
			}
			try {
				storeIfCacheable(key, invokePermitted(downstream));
			}
			catch (Throwable ex) {
				refreshFailed(key, ex);
			}
			finally {
				this.refreshing.remove(key);
			}
		});
	}

	private void refreshAsync(K key, Supplier<? extends CompletionStage<V>> downstream) {
		if (!this.refreshing.add(key)) {
			return;
		}
		startRefresh(key, () -> {
			if (!this.circuitBreaker.tryAcquirePermission()) {
				refreshFailed(key, callNotPermitted());
				return;
			}
			invokePermittedAsync(downstream).whenComplete((value, failure) -> {
				try {
					if (failure == null) {
						storeIfCacheable(key, value);
					}
					else {
						refreshFailed(key, unwrap(failure));
					}
				}
				finally {
					this.refreshing.remove(key);
				}
			});
		});
	}

	private void startRefresh(K key, Runnable task) {
		this.refreshes.increment();
		this.listener.onRefreshStarted(this.name, key);
		try {
			this.refreshExecutor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			refreshFailed(key, ex);
		}
	}

	private void refreshFailed(K key, Throwable failure) {
		this.refreshing.remove(key);
		this.refreshFailures.increment();
		logger.debug("Fallback cache '{}' failed to refresh key {}: {}", this.name, this.keyMasker.maskUnless(key, this.showKeys),
				failure.toString());
		this.listener.onRefreshFailed(this.name, key, failure);
	}

	private void storeIfCacheable(Object key, @Nullable V value) {
		if (!isCacheable(value)) {
			this.valuesRejected.increment();
			this.listener.onValueRejected(this.name, key, value);
			return;
		}
		try {
			this.store.put(key, new StoredValue<>(value, this.clock.millis()));
			this.servingStale = false;
		}
		catch (RuntimeException ex) {
			logger.warn("Fallback cache '{}' could not store the value for key {}; the answer is returned but not kept",
					this.name, this.keyMasker.maskUnless(key, this.showKeys), ex);
		}
	}

	private boolean isCacheable(@Nullable V value) {
		if (value == null || (!this.cacheEmpty && isEmpty(value))) {
			return false;
		}
		try {
			return this.cacheable.test(value);
		}
		catch (RuntimeException ex) {
			logger.warn("Fallback cache '{}': the cacheable predicate threw; the value is not stored", this.name, ex);
			return false;
		}
	}

	/** Reads a usable entry; a null or (without the opt-in) empty value is treated as absent. */
	private @Nullable StoredValue<V> read(Object key) {
		StoredValue<V> entry;
		try {
			entry = this.store.get(key);
		}
		catch (RuntimeException ex) {
			UnreadableStoredValueException unreadable = unreadable(ex);
			if (unreadable != null) {
				this.valuesUnreadable.increment();
				logger.warn("Fallback cache '{}' refused the value stored for key {} ({}); treated as a miss", this.name,
						this.keyMasker.maskUnless(key, this.showKeys), unreadable.getMessage());
				this.listener.onValueUnreadable(this.name, key, unreadable);
				return null;
			}
			logger.warn("Fallback cache '{}' could not read key {}; treated as a miss", this.name,
					this.keyMasker.maskUnless(key, this.showKeys), ex);
			return null;
		}
		if (entry == null || entry.value() == null || (!this.cacheEmpty && isEmpty(entry.value()))) {
			return null;
		}
		return entry;
	}

	private static @Nullable UnreadableStoredValueException unreadable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof UnreadableStoredValueException unreadable) {
				return unreadable;
			}
		}
		return null;
	}

	private long ageMillis(StoredValue<V> entry) {
		return Math.max(0, this.clock.millis() - entry.writtenAtMillis());
	}

	private Duration age(StoredValue<V> entry) {
		return Duration.ofMillis(ageMillis(entry));
	}

	static boolean isEmpty(Object value) {
		if (value instanceof Collection<?> collection) {
			return collection.isEmpty();
		}
		if (value instanceof Map<?, ?> map) {
			return map.isEmpty();
		}
		if (value instanceof CharSequence text) {
			return text.length() == 0;
		}
		if (value instanceof Optional<?> optional) {
			return optional.isEmpty();
		}
		return value.getClass().isArray() && Array.getLength(value) == 0;
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	static <T extends Throwable> RuntimeException sneakyThrow(Throwable failure) throws T {
		throw (T) failure;
	}

}
