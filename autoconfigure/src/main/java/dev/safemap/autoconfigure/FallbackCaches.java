package dev.safemap.autoconfigure;

import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.safemap.breaker.FallbackCache;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cache.Cache;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * The fallback caches of the application, by name: each one uses the Resilience4j circuit breaker
 * (and time limiter) of the same name from the application's registries, the settings of
 * {@code safemap.breaker.caches.<name>.*} and the configured storage. Used by the
 * {@code @FallbackCached} aspect and available for programmatic use:
 * {@snippet :
 * Price price = fallbackCaches.<String, Price>cache("prices").call(symbol, () -> client.price(symbol));
 * }
 * <p>
 * Background refreshes and time-limiter timeouts run on daemon threads named
 * {@code safemap-breaker-N}, stopped by {@link #close()} (called when the application context
 * closes).
 * <p>
 * Thread-safety: this class is thread-safe; each cache is created once.
 *
 * @since 0.1.0
 */
public final class FallbackCaches implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FallbackCaches.class);

	private static final boolean CONTEXT_PROPAGATION_PRESENT = ClassUtils
		.isPresent("io.micrometer.context.ContextExecutorService", FallbackCaches.class.getClassLoader());

	private final SafeMapBreakerProperties properties;

	private final CircuitBreakerRegistry circuitBreakers;

	private final TimeLimiterRegistry timeLimiters;

	private final FallbackStorage storage;

	private final List<FallbackCacheCustomizer> customizers;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor executor;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory();

	private final Executor refreshExecutor;

	private final Map<String, FallbackCache<Object, Object>> caches = new ConcurrentHashMap<>();

	FallbackCaches(SafeMapBreakerProperties properties, CircuitBreakerRegistry circuitBreakers,
			TimeLimiterRegistry timeLimiters, FallbackStorage storage, List<FallbackCacheCustomizer> customizers,
			Clock clock) {
		this.properties = properties;
		this.circuitBreakers = circuitBreakers;
		this.timeLimiters = timeLimiters;
		this.storage = storage;
		this.customizers = List.copyOf(customizers);
		this.clock = clock;
		// validate every configured cache now, so that a bad value fails startup
		properties.getCaches().keySet().forEach((name) -> BreakerCacheSettings.resolve(properties, name));
		BreakerCacheSettings.resolve(properties, "*");
		if (properties.getThreads() <= 0) {
			throw new InvalidSafeMapPropertyException("safemap.breaker.threads", properties.getThreads(),
					"at least one thread is needed for background refreshes and timeouts", "Set a positive number, for example 2.");
		}
		this.executor = new ScheduledThreadPoolExecutor(properties.getThreads(), this.threadFactory);
		this.executor.setRemoveOnCancelPolicy(true);
		this.refreshExecutor = CONTEXT_PROPAGATION_PRESENT ? ContextPropagation.wrap(this.executor) : this.executor;
	}

	/**
	 * Returns the fallback cache of a name, creating it on first use.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the cache name, not blank
	 * @return the cache
	 * @throws InvalidSafeMapPropertyException if the cache's settings are invalid
	 */
	@SuppressWarnings("unchecked")
	public <K, V> FallbackCache<K, V> cache(String name) {
		Assert.hasText(name, "'name' must not be empty");
		FallbackCache<Object, Object> cache = this.caches.get(name);
		if (cache == null) {
			cache = this.caches.computeIfAbsent(name, this::create);
		}
		return (FallbackCache<K, V>) (FallbackCache<?, ?>) cache;
	}

	/**
	 * Returns the caches created so far, by name.
	 * @return an unmodifiable sorted view
	 */
	public Map<String, FallbackCache<?, ?>> caches() {
		return Collections.unmodifiableMap(new TreeMap<>(this.caches));
	}

	/**
	 * Describes where last known good values are stored ({@code caffeine}, {@code redis} or
	 * {@code cache-manager:<bean>}).
	 * @return the storage description
	 */
	public String storage() {
		return this.storage.description();
	}

	/**
	 * Whether the refresh executor propagates context (Micrometer context-propagation is present).
	 * @return true when refresh tasks see the submitting thread's context
	 */
	public boolean propagatesContext() {
		return this.refreshExecutor != this.executor;
	}

	private FallbackCache<Object, Object> create(String name) {
		BreakerCacheSettings settings = BreakerCacheSettings.resolve(this.properties, name);
		boolean breakerConfigured = this.circuitBreakers.find(name).isPresent()
				|| this.circuitBreakers.getConfiguration(name).isPresent();
		if (!breakerConfigured) {
			logger.info("Fallback cache '{}' has no resilience4j.circuitbreaker.instances.{} configuration: "
					+ "its circuit breaker uses the Resilience4j defaults", name, name);
		}
		CircuitBreaker circuitBreaker = this.circuitBreakers.circuitBreaker(name);
		Cache cache = this.storage.cache(settings);
		FallbackCache.Builder<Object, Object> builder = FallbackCache.builder(name, circuitBreaker)
			.timeLimiter(this.timeLimiters.timeLimiter(name), this.executor)
			.store(new FallbackStorage.SpringCacheStore(cache))
			.clock(this.clock)
			.refreshExecutor(this.refreshExecutor)
			.maxStaleness(settings.maxStaleness())
			.refreshAfter(settings.refreshAfter())
			.cacheEmpty(settings.cacheEmpty())
			.showKeys(this.properties.isShowKeys());
		if (settings.waitTimeout() != null) {
			builder.waitTimeout(settings.waitTimeout());
		}
		for (FallbackCacheCustomizer customizer : this.customizers) {
			customizer.customize(name, builder, cache);
		}
		logger.debug("Created fallback cache '{}' ({}) on {}", name, settings, this.storage.description());
		return builder.build();
	}

	/**
	 * Stops the background threads.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				logger.warn("Fallback cache threads did not stop within 5 seconds");
			}
			// the executor reports termination while its worker threads are still exiting: join them too
			this.threadFactory.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final class NamedThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		private final java.util.Queue<Thread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(Objects.requireNonNull(runnable), "safemap-breaker-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			this.threads.add(thread);
			return thread;
		}

		void join(long millis) throws InterruptedException {
			for (Thread thread : this.threads) {
				thread.join(millis);
			}
			this.threads.clear();
		}

	}

	/** Loaded only when Micrometer context-propagation is on the classpath. */
	private static final class ContextPropagation {

		static Executor wrap(ScheduledThreadPoolExecutor executor) {
			return io.micrometer.context.ContextExecutorService.wrap(executor,
					io.micrometer.context.ContextSnapshotFactory.builder().build());
		}

	}

}
