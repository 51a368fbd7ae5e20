package dev.safemap.autoconfigure.breaker;

import java.time.Duration;

import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;

/**
 * The effective settings of one fallback cache: per-cache values over the top-level defaults,
 * validated so that a bad value fails startup naming the property.
 */
final class BreakerCacheSettings {

	private BreakerCacheSettings() {
	}

	private static final String PREFIX = "safemap.breaker.";

	static FallbackCacheSettings resolve(SafeMapBreakerProperties properties, String name) {
		SafeMapBreakerProperties.Cache cache = properties.getCaches().get(name);
		String cachePrefix = PREFIX + "caches." + name + ".";
		boolean own;
		own = cache != null && cache.getMaxStaleness() != null;
		Duration maxStaleness = own ? cache.getMaxStaleness() : properties.getMaxStaleness();
		String maxStalenessProperty = own ? cachePrefix + "max-staleness" : PREFIX + "max-staleness";
		own = cache != null && cache.getRefreshAfter() != null;
		Duration refreshAfter = own ? cache.getRefreshAfter() : properties.getRefreshAfter();
		String refreshAfterProperty = own ? cachePrefix + "refresh-after" : PREFIX + "refresh-after";
		own = cache != null && cache.getMaximumSize() != null;
		long maximumSize = own ? cache.getMaximumSize() : properties.getMaximumSize();
		String maximumSizeProperty = own ? cachePrefix + "maximum-size" : PREFIX + "maximum-size";
		own = cache != null && cache.getWaitTimeout() != null;
		Duration waitTimeout = own ? cache.getWaitTimeout() : properties.getWaitTimeout();
		String waitTimeoutProperty = own ? cachePrefix + "wait-timeout" : PREFIX + "wait-timeout";
		boolean cacheEmpty = (cache != null && cache.getCacheEmpty() != null) ? cache.getCacheEmpty()
				: properties.isCacheEmpty();

		if (maxStaleness == null || maxStaleness.isZero() || maxStaleness.isNegative()) {
			throw new InvalidSafeMapPropertyException(maxStalenessProperty, maxStaleness,
					"the maximum staleness must be positive: it is how old a value served as a fallback may be",
					"Set a positive duration, for example 10m.");
		}
		if (refreshAfter != null) {
			if (refreshAfter.isZero() || refreshAfter.isNegative()) {
				throw new InvalidSafeMapPropertyException(refreshAfterProperty, refreshAfter,
						"the refresh age must be positive", "Set a positive duration below " + maxStaleness
								+ " (the maximum staleness), or remove it to call the downstream on every call.");
			}
			if (refreshAfter.compareTo(maxStaleness) > 0) {
				throw new InvalidSafeMapPropertyException(refreshAfterProperty, refreshAfter,
						"the refresh age is above the maximum staleness (" + maxStaleness + ", "
								+ maxStalenessProperty + "): values would expire before they are refreshed",
						"Set " + refreshAfterProperty + " below " + maxStaleness + " or raise " + maxStalenessProperty
								+ ".");
			}
		}
		if (maximumSize <= 0) {
			throw new InvalidSafeMapPropertyException(maximumSizeProperty, maximumSize,
					"the maximum size must be positive", "Set a positive number of entries, for example 10000.");
		}
		if (waitTimeout != null && (waitTimeout.isZero() || waitTimeout.isNegative())) {
			throw new InvalidSafeMapPropertyException(waitTimeoutProperty, waitTimeout,
					"the wait timeout must be positive",
					"Set a positive duration, or remove it to use the time limiter's timeout.");
		}
		return new FallbackCacheSettings(name, maxStaleness, refreshAfter, cacheEmpty, maximumSize, waitTimeout);
	}

}
