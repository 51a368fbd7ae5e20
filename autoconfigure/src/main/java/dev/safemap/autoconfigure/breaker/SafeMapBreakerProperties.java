package dev.safemap.autoconfigure.breaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of SafeMap's fallback caches ({@code safemap.breaker.*}). Top-level values are
 * the defaults of every cache; {@code safemap.breaker.caches.<name>.*} overrides them per cache.
 * The circuit breakers themselves are configured through Resilience4j's
 * {@code resilience4j.circuitbreaker.instances.<name>.*}.
 * <p>
 * Thread-safety: bound once at startup and not modified afterwards.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.breaker")
public class SafeMapBreakerProperties {

	/**
	 * Whether fallback caches are enabled.
	 */
	private boolean enabled = true;

	/**
	 * Maximum age of a last known good value served as a fallback.
	 */
	private Duration maxStaleness = Duration.ofMinutes(10);

	/**
	 * Age after which a stored value is served at once and refreshed in the background. When not
	 * set, every call goes to the downstream and stored values are used only as fallbacks.
	 */
	private @Nullable Duration refreshAfter;

	/**
	 * Whether empty collections, maps, strings and arrays are stored as last known good values.
	 */
	private boolean cacheEmpty = false;

	/**
	 * Maximum number of entries of an embedded (Caffeine) fallback cache.
	 */
	private long maximumSize = 10_000;

	/**
	 * Maximum time a call waits for a concurrent call for the same key. When not set, the
	 * Resilience4j time limiter's timeout of the cache's name is used.
	 */
	private @Nullable Duration waitTimeout;

	/**
	 * Storage of last known good values. With auto, Redis is used if a RedisConnectionFactory is
	 * available, an embedded Caffeine cache otherwise.
	 */
	private StoreType store = StoreType.AUTO;

	/**
	 * Name of the CacheManager bean to store last known good values in, when store is
	 * 'cache-manager'.
	 */
	private @Nullable String cacheManager;

	/**
	 * Prefix of the Redis keys of fallback caches.
	 */
	private String redisKeyPrefix = "safemap:breaker:";

	/**
	 * Number of threads that run background refreshes and time-limiter timeouts.
	 */
	private int threads = 2;

	/**
	 * Per-cache settings, by cache name.
	 */
	private Map<String, Cache> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getMaxStaleness() {
		return this.maxStaleness;
	}

	public void setMaxStaleness(Duration maxStaleness) {
		this.maxStaleness = maxStaleness;
	}

	public @Nullable Duration getRefreshAfter() {
		return this.refreshAfter;
	}

	public void setRefreshAfter(@Nullable Duration refreshAfter) {
		this.refreshAfter = refreshAfter;
	}

	public boolean isCacheEmpty() {
		return this.cacheEmpty;
	}

	public void setCacheEmpty(boolean cacheEmpty) {
		this.cacheEmpty = cacheEmpty;
	}

	public long getMaximumSize() {
		return this.maximumSize;
	}

	public void setMaximumSize(long maximumSize) {
		this.maximumSize = maximumSize;
	}

	public @Nullable Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(@Nullable Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public StoreType getStore() {
		return this.store;
	}

	public void setStore(StoreType store) {
		this.store = store;
	}

	public @Nullable String getCacheManager() {
		return this.cacheManager;
	}

	public void setCacheManager(@Nullable String cacheManager) {
		this.cacheManager = cacheManager;
	}

	public String getRedisKeyPrefix() {
		return this.redisKeyPrefix;
	}

	public void setRedisKeyPrefix(String redisKeyPrefix) {
		this.redisKeyPrefix = redisKeyPrefix;
	}

	public int getThreads() {
		return this.threads;
	}

	public void setThreads(int threads) {
		this.threads = threads;
	}



	public Map<String, Cache> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, Cache> caches) {
		this.caches = caches;
	}

	/**
	 * Where last known good values are stored.
	 * <p>
	 * Thread-safety: enum constants are immutable and thread-safe.
	 *
	 * @since 0.1.0
	 */
	public enum StoreType {

		/** Redis when a RedisConnectionFactory is available, an embedded Caffeine cache otherwise. */
		AUTO,

		/** An embedded, bounded Caffeine cache per fallback cache. */
		CAFFEINE,

		/** Redis, shared by every instance of the application. */
		REDIS,

		/** The CacheManager bean named by {@code safemap.breaker.cache-manager}. */
		CACHE_MANAGER

	}

	/**
	 * Settings of one fallback cache; unset values fall back to the top-level defaults.
	 * <p>
	 * Thread-safety: bound once at startup and not modified afterwards.
	 *
	 * @since 0.1.0
	 */
	public static class Cache {

		/**
		 * Maximum age of a last known good value served as a fallback.
		 */
		private @Nullable Duration maxStaleness;

		/**
		 * Age after which a stored value is served at once and refreshed in the background.
		 */
		private @Nullable Duration refreshAfter;

		/**
		 * Whether empty collections, maps, strings and arrays are stored as last known good values.
		 */
		private @Nullable Boolean cacheEmpty;

		/**
		 * Maximum number of entries of an embedded (Caffeine) fallback cache.
		 */
		private @Nullable Long maximumSize;

		/**
		 * Maximum time a call waits for a concurrent call for the same key.
		 */
		private @Nullable Duration waitTimeout;

		public @Nullable Duration getMaxStaleness() {
			return this.maxStaleness;
		}

		public void setMaxStaleness(@Nullable Duration maxStaleness) {
			this.maxStaleness = maxStaleness;
		}

		public @Nullable Duration getRefreshAfter() {
			return this.refreshAfter;
		}

		public void setRefreshAfter(@Nullable Duration refreshAfter) {
			this.refreshAfter = refreshAfter;
		}

		public @Nullable Boolean getCacheEmpty() {
			return this.cacheEmpty;
		}

		public void setCacheEmpty(@Nullable Boolean cacheEmpty) {
			this.cacheEmpty = cacheEmpty;
		}

		public @Nullable Long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(@Nullable Long maximumSize) {
			this.maximumSize = maximumSize;
		}

		public @Nullable Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(@Nullable Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

	}

}
