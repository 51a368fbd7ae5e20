package dev.safemap.guard;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import static dev.safemap.guard.MapOperation.CONTAINS_KEY;
import static dev.safemap.guard.MapOperation.GET;

/**
 * What an {@link ObservedGuardedMap}'s keyed reads ({@code get}, {@code getOrDefault},
 * {@code containsKey}) go through while they are counted: each is counted, by the observer's
 * {@link OperationSampler} when it has one, else reported to the observer, then answered by the
 * map's contents. While they are not counted (a sampler's window is closed), the map reads its
 * contents directly, so that an uncounted read runs exactly the code of an unobserved map. The other
 * methods only delegate: the guarded map never calls them here. Thread-safe, as the contents are.
 */
@SuppressWarnings("NullAway")
final class CountingReads<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {

	private final ConcurrentMap<K, V> target;

	private final @Nullable OperationSampler sampler;

	private final MapObserver observer;

	private final ObserverFailures observerFailures;

	CountingReads(ConcurrentMap<K, V> target, @Nullable OperationSampler sampler, MapObserver observer,
			ObserverFailures observerFailures) {
		this.target = target;
		this.sampler = sampler;
		this.observer = observer;
		this.observerFailures = observerFailures;
	}

	private void count(MapOperation operation, Object key) {
		OperationSampler sampler = this.sampler;
		if (sampler != null) {
			sampler.count(operation, key);
			return;
		}
		try {
			this.observer.operation(operation, key);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map (its contract says it must not throw)
			this.observerFailures.failed("operation", operation, ex);
		}
	}

	@Override
	public @Nullable V get(Object key) {
		count(GET, key);
		return this.target.get(key);
	}

	@Override
	public @Nullable V getOrDefault(Object key, V defaultValue) {
		count(GET, key);
		return this.target.getOrDefault(key, defaultValue);
	}

	@Override
	public boolean containsKey(Object key) {
		count(CONTAINS_KEY, key);
		return this.target.containsKey(key);
	}

	@Override
	public Set<Map.Entry<K, V>> entrySet() {
		return this.target.entrySet();
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		return this.target.putIfAbsent(key, value);
	}

	@Override
	public boolean remove(Object key, Object value) {
		return this.target.remove(key, value);
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		return this.target.replace(key, oldValue, newValue);
	}

	@Override
	public @Nullable V replace(K key, V value) {
		return this.target.replace(key, value);
	}

}
