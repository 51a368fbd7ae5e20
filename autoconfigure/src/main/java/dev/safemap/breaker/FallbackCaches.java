package dev.safemap.breaker;

import java.lang.reflect.Type;
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
import java.util.function.Function;

import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback caches of the application, by name: each one uses the Resilience4j circuit breaker
 * (and time limiter) of the same name from the given registries, the settings given for its name
 * ({@code safemap.breaker.caches.<name>.*} in a Spring Boot application) and a store from the
 * {@link FallbackStoreFactory}. Used by the
 * {@code @FallbackCached} aspect and available for programmatic use:
 * {@snippet :
 * Price price = fallbackCaches.<String, Price>cache("prices", Price.class).call(symbol, () -> client.price(symbol));
 * }
 * Declare the value type when the store serializes (Redis): values are read back as that type only.
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

	private static final boolean CONTEXT_PROPAGATION_PRESENT = isPresent("io.micrometer.context.ContextExecutorService");

	private final Function<String, FallbackCacheSettings> settings;

	private final boolean showKeys;

	private final KeyMasker keyMasker;

	private final CircuitBreakerRegistry circuitBreakers;

	private final TimeLimiterRegistry timeLimiters;

	private final FallbackStoreFactory storage;

	private final List<FallbackCacheCustomizer> customizers;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor executor;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory();

	private final Executor refreshExecutor;

	private final Map<String, FallbackCache<Object, Object>> caches = new ConcurrentHashMap<>();

	private final Map<String, Type> valueTypes = new ConcurrentHashMap<>();

	private FallbackCaches(Builder builder) {
		this.settings = builder.settings;
		this.showKeys = builder.showKeys;
		this.keyMasker = builder.keyMasker;
		this.circuitBreakers = builder.circuitBreakers;
		this.timeLimiters = builder.timeLimiters;
		this.storage = builder.storage;
		this.customizers = List.copyOf(builder.customizers);
		this.clock = builder.clock;
		this.executor = new ScheduledThreadPoolExecutor(builder.threads, this.threadFactory);
		this.executor.setRemoveOnCancelPolicy(true);
		this.refreshExecutor = CONTEXT_PROPAGATION_PRESENT ? ContextPropagation.wrap(this.executor) : this.executor;
	}

	/**
	 * Returns the fallback cache of a name, creating it on first use without a declared value type. Stores that
	 * serialize (Redis) refuse to create a cache without one: use {@link #cache(String, Class)} there.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the cache name, not blank
	 * @return the cache
	 * @throws IllegalArgumentException if the name is blank, or the cache is new and its store needs a value type
	 */
	public <K, V> FallbackCache<K, V> cache(String name) {
		return cache(name, (Type) null);
	}

	/**
	 * Returns the fallback cache of a name whose values are of a type, creating it on first use.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the cache name, not blank
	 * @param valueType the type of the values, not null
	 * @return the cache
	 * @throws IllegalArgumentException if the name is blank, or the cache was created with another value type
	 */
	public <K, V> FallbackCache<K, V> cache(String name, Class<V> valueType) {
		return cache(name, (Type) Objects.requireNonNull(valueType, "valueType must not be null"));
	}

	/**
	 * Returns the fallback cache of a name whose values are of a (possibly generic) type, creating it on first use;
	 * {@code @FallbackCached} methods use this with their return type.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the cache name, not blank
	 * @param valueType the type of the values (for example the {@code ParameterizedType} of {@code List<Price>}),
	 * or null for none
	 * @return the cache
	 * @throws IllegalArgumentException if the name is blank, the cache was created with another value type, or the
	 * cache is new, its store needs a value type and none was given
	 */
	@SuppressWarnings("unchecked")
	public <K, V> FallbackCache<K, V> cache(String name, @Nullable Type valueType) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
		}
		FallbackCache<Object, Object> cache = this.caches.get(name);
		if (cache == null) {
			cache = this.caches.computeIfAbsent(name, (key) -> create(key, valueType));
		}
		Type declared = this.valueTypes.get(name);
		if (valueType != null && declared != null && !declared.equals(valueType)) {
			throw new IllegalArgumentException("Fallback cache '" + name + "' holds values of type "
					+ declared.getTypeName() + ", but was asked for values of type " + valueType.getTypeName()
					+ ": use one value type per cache name");
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

	private FallbackCache<Object, Object> create(String name, @Nullable Type valueType) {
		FallbackCacheSettings settings = this.settings.apply(name);
		boolean breakerConfigured = this.circuitBreakers.find(name).isPresent()
				|| this.circuitBreakers.getConfiguration(name).isPresent();
		if (!breakerConfigured) {
			logger.info("Fallback cache '{}' has no resilience4j.circuitbreaker.instances.{} configuration: "
					+ "its circuit breaker uses the Resilience4j defaults", name, name);
		}
		CircuitBreaker circuitBreaker = this.circuitBreakers.circuitBreaker(name);
		FallbackStore<Object> store = this.storage.create(settings, valueType);
		if (valueType != null) {
			this.valueTypes.put(name, valueType);
		}
		FallbackCache.Builder<Object, Object> builder = FallbackCache.builder(name, circuitBreaker)
			.timeLimiter(this.timeLimiters.timeLimiter(name), this.executor)
			.store(store)
			.clock(this.clock)
			.refreshExecutor(this.refreshExecutor)
			.maxStaleness(settings.maxStaleness())
			.refreshAfter(settings.refreshAfter())
			.cacheEmpty(settings.cacheEmpty())
			.showKeys(this.showKeys)
			.keyMasker(this.keyMasker);
		if (settings.waitTimeout() != null) {
			builder.waitTimeout(settings.waitTimeout());
		}
		for (FallbackCacheCustomizer customizer : this.customizers) {
			customizer.customize(name, builder, store);
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

	/**
	 * Starts building the fallback caches.
	 * @param circuitBreakers where each cache's circuit breaker (of the cache's name) comes from
	 * @param storage creates each cache's store
	 * @return a builder
	 */
	public static Builder builder(CircuitBreakerRegistry circuitBreakers, FallbackStoreFactory storage) {
		return new Builder(circuitBreakers, storage);
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, FallbackCaches.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Builds {@link FallbackCaches}.
	 * <p>
	 * Thread-safety: not thread-safe; use from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final CircuitBreakerRegistry circuitBreakers;

		private final FallbackStoreFactory storage;

		private TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();

		private Function<String, FallbackCacheSettings> settings = (name) -> FallbackCacheSettings.builder(name)
			.build();

		private final List<FallbackCacheCustomizer> customizers = new java.util.ArrayList<>();

		private Clock clock = Clock.systemUTC();

		private int threads = 2;

		private boolean showKeys;

		private KeyMasker keyMasker = KeyMasker.shared();

		private Builder(CircuitBreakerRegistry circuitBreakers, FallbackStoreFactory storage) {
			this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers must not be null");
			this.storage = Objects.requireNonNull(storage, "storage must not be null");
		}

		/**
		 * Sets where each cache's time limiter (of the cache's name) comes from.
		 * @param timeLimiters the registry (default: Resilience4j's defaults)
		 * @return this builder
		 */
		public Builder timeLimiters(TimeLimiterRegistry timeLimiters) {
			this.timeLimiters = Objects.requireNonNull(timeLimiters, "timeLimiters must not be null");
			return this;
		}

		/**
		 * Sets the settings of each cache, by name (default: 10 minutes of staleness, no refresh, 10,000 entries).
		 * @param settings the settings of a cache name; called once per cache, when it is created
		 * @return this builder
		 */
		public Builder settings(Function<String, FallbackCacheSettings> settings) {
			this.settings = Objects.requireNonNull(settings, "settings must not be null");
			return this;
		}

		/**
		 * Adds a customizer, applied to each cache's builder in the order added.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder customizer(FallbackCacheCustomizer customizer) {
			this.customizers.add(Objects.requireNonNull(customizer, "customizer must not be null"));
			return this;
		}

		/**
		 * Sets the clock that dates stored values (default: the UTC system clock).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets the number of threads for background refreshes and time-limiter timeouts (default 2).
		 * @param threads a positive number
		 * @return this builder
		 * @throws IllegalArgumentException if threads is not positive
		 */
		public Builder threads(int threads) {
			if (threads <= 0) {
				throw new IllegalArgumentException("threads must be positive (they run background refreshes and "
						+ "time-limiter timeouts), but was " + threads);
			}
			this.threads = threads;
			return this;
		}

		/**
		 * Sets whether keys appear unmasked in logs and reports (default false).
		 * @param showKeys whether to show keys
		 * @return this builder
		 */
		public Builder showKeys(boolean showKeys) {
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
		public Builder keyMasker(KeyMasker keyMasker) {
			this.keyMasker = Objects.requireNonNull(keyMasker, "keyMasker must not be null");
			return this;
		}

		/**
		 * Builds the caches; starts no thread until a cache needs one.
		 * @return the fallback caches
		 */
		public FallbackCaches build() {
			return new FallbackCaches(this);
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
