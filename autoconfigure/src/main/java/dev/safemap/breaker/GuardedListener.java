package dev.safemap.breaker;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the listeners of a cache, catching and logging (WARN) anything they throw so that a
 * listener can never break a call.
 */
final class GuardedListener implements FallbackCacheListener {

	private static final Logger logger = LoggerFactory.getLogger(GuardedListener.class);

	private static final FallbackCacheListener NONE = new FallbackCacheListener() {
	};

	private final List<FallbackCacheListener> listeners;

	private GuardedListener(List<FallbackCacheListener> listeners) {
		this.listeners = listeners;
	}

	static FallbackCacheListener of(List<FallbackCacheListener> listeners) {
		return listeners.isEmpty() ? NONE : new GuardedListener(listeners);
	}

	@Override
	public void onAnswer(String cache, FallbackResult.Source source, long durationNanos) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onAnswer(cache, source, durationNanos);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onFallbackServed(String cache, Object key, Duration age, @Nullable Throwable failure) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onFallbackServed(cache, key, age, failure);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onStaleRejected(String cache, Object key, Duration age, Throwable failure) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onStaleRejected(cache, key, age, failure);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onRefreshStarted(String cache, Object key) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onRefreshStarted(cache, key);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onRefreshFailed(String cache, Object key, Throwable failure) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onRefreshFailed(cache, key, failure);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onValueRejected(String cache, Object key, @Nullable Object value) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onValueRejected(cache, key, value);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	@Override
	public void onValueUnreadable(String cache, Object key, UnreadableStoredValueException failure) {
		for (FallbackCacheListener listener : this.listeners) {
			try {
				listener.onValueUnreadable(cache, key, failure);
			}
			catch (RuntimeException ex) {
				warn(cache, listener, ex);
			}
		}
	}

	private static void warn(String cache, FallbackCacheListener listener, RuntimeException ex) {
		logger.warn("Fallback cache '{}': listener {} threw; ignored", cache, listener, ex);
	}

}
