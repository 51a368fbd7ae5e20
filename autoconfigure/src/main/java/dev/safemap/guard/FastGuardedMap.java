package dev.safemap.guard;

import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import static dev.safemap.guard.MapOperation.*;

/**
 * Guard mode with no observer: one thin, final layer over a concurrent map, so that the JIT can
 * inline it away. All atomicity comes from the target ({@code ConcurrentHashMap},
 * {@code ConcurrentSkipListMap} or {@link LockedOrderedMap}). Thread-safe.
 */
@SuppressWarnings("NullAway")
final class FastGuardedMap<K, V> extends AbstractGuardedMap<K, V> {

	private final ConcurrentMap<K, V> target;

	FastGuardedMap(String name, ConcurrentMap<K, V> target, Class<?> originalType, Class<? extends Number> counterType) {
		super(name, target, originalType, counterType);
		this.target = target;
	}

	/** The contents, which watch mode reads directly while its window is closed. */
	ConcurrentMap<K, V> target() {
		return this.target;
	}

	@Override
	public GuardMode mode() {
		return GuardMode.GUARD;
	}

	@Override
	public long add(K key, long delta) {
		if (key == null) {
			throw Nulls.key(this.name, INCREMENT);
		}
		return Counters.add(this.target, key, delta, this.counterType, this.name);
	}

	@Override
	public int size() {
		return this.target.size();
	}

	@Override
	public boolean isEmpty() {
		return this.target.isEmpty();
	}

	@Override
	public boolean containsKey(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, CONTAINS_KEY);
		}
		return this.target.containsKey(key);
	}

	@Override
	public boolean containsValue(Object value) {
		if (value == null) {
			throw Nulls.value(this.name, CONTAINS_VALUE);
		}
		return this.target.containsValue(value);
	}

	@Override
	public @Nullable V get(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, GET);
		}
		return this.target.get(key);
	}

	@Override
	public @Nullable V getOrDefault(Object key, V defaultValue) {
		if (key == null) {
			throw Nulls.key(this.name, GET);
		}
		return this.target.getOrDefault(key, defaultValue);
	}

	@Override
	public @Nullable V put(K key, V value) {
		if (key == null) {
			throw Nulls.key(this.name, PUT);
		}
		if (value == null) {
			throw Nulls.value(this.name, PUT);
		}
		return this.target.put(key, value);
	}

	@Override
	public void putAll(Map<? extends K, ? extends V> m) {
		for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
			if (e.getKey() == null) {
				throw Nulls.key(this.name, PUT_ALL);
			}
			if (e.getValue() == null) {
				throw Nulls.value(this.name, PUT_ALL);
			}
		}
		this.target.putAll(m);
	}

	@Override
	public @Nullable V remove(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, REMOVE);
		}
		return this.target.remove(key);
	}

	@Override
	public void clear() {
		this.target.clear();
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		if (key == null) {
			throw Nulls.key(this.name, PUT_IF_ABSENT);
		}
		if (value == null) {
			throw Nulls.value(this.name, PUT_IF_ABSENT);
		}
		return this.target.putIfAbsent(key, value);
	}

	@Override
	public boolean remove(Object key, Object value) {
		if (key == null) {
			throw Nulls.key(this.name, REMOVE);
		}
		return value != null && this.target.remove(key, value);
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		if (key == null) {
			throw Nulls.key(this.name, REPLACE);
		}
		if (oldValue == null || newValue == null) {
			throw Nulls.value(this.name, REPLACE);
		}
		return this.target.replace(key, oldValue, newValue);
	}

	@Override
	public @Nullable V replace(K key, V value) {
		if (key == null) {
			throw Nulls.key(this.name, REPLACE);
		}
		if (value == null) {
			throw Nulls.value(this.name, REPLACE);
		}
		return this.target.replace(key, value);
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE_IF_ABSENT);
		}
		if (mappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE_IF_ABSENT, "mapping function");
		}
		return this.target.computeIfAbsent(key, mappingFunction);
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE_IF_PRESENT);
		}
		if (remappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE_IF_PRESENT, "remapping function");
		}
		return this.target.computeIfPresent(key, remappingFunction);
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE);
		}
		if (remappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE, "remapping function");
		}
		return this.target.compute(key, remappingFunction);
	}

	@Override
	public @Nullable V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, MERGE);
		}
		if (value == null) {
			throw Nulls.value(this.name, MERGE);
		}
		if (remappingFunction == null) {
			throw Nulls.argument(this.name, MERGE, "remapping function");
		}
		return this.target.merge(key, value, remappingFunction);
	}

	@Override
	public void forEach(BiConsumer<? super K, ? super V> action) {
		this.target.forEach(action);
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		this.target.replaceAll(function);
	}

}
