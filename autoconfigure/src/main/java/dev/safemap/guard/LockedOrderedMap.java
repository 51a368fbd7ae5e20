package dev.safemap.guard;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * An insertion-ordered {@link ConcurrentMap}: a {@link LinkedHashMap} behind one lock. Every
 * operation, compound ones included, runs under the lock, so all are atomic; iteration, views and
 * {@code forEach} work on a snapshot taken under the lock, so they keep insertion order and never
 * throw {@code ConcurrentModificationException}. Removing through an iterator or setting an entry's
 * value writes through to the map. Slower than {@code ConcurrentHashMap} under contention (one
 * lock): the price of keeping order. Thread-safe.
 */
@SuppressWarnings("NullAway")
final class LockedOrderedMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {

	private final Object lock = new Object();

	private final LinkedHashMap<K, V> map;

	private @Nullable Set<Map.Entry<K, V>> entrySet;

	LockedOrderedMap(Map<K, V> contents) {
		this.map = new LinkedHashMap<>(contents);
	}

	@Override
	public int size() {
		synchronized (this.lock) {
			return this.map.size();
		}
	}

	@Override
	public boolean isEmpty() {
		synchronized (this.lock) {
			return this.map.isEmpty();
		}
	}

	@Override
	public boolean containsKey(Object key) {
		synchronized (this.lock) {
			return this.map.containsKey(key);
		}
	}

	@Override
	public boolean containsValue(Object value) {
		synchronized (this.lock) {
			return this.map.containsValue(value);
		}
	}

	@Override
	public @Nullable V get(Object key) {
		synchronized (this.lock) {
			return this.map.get(key);
		}
	}

	@Override
	public @Nullable V getOrDefault(Object key, V defaultValue) {
		synchronized (this.lock) {
			return this.map.getOrDefault(key, defaultValue);
		}
	}

	@Override
	public @Nullable V put(K key, V value) {
		synchronized (this.lock) {
			return this.map.put(key, value);
		}
	}

	@Override
	public void putAll(Map<? extends K, ? extends V> m) {
		synchronized (this.lock) {
			this.map.putAll(m);
		}
	}

	@Override
	public @Nullable V remove(Object key) {
		synchronized (this.lock) {
			return this.map.remove(key);
		}
	}

	@Override
	public void clear() {
		synchronized (this.lock) {
			this.map.clear();
		}
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		synchronized (this.lock) {
			return this.map.putIfAbsent(key, value);
		}
	}

	@Override
	public boolean remove(Object key, Object value) {
		synchronized (this.lock) {
			return this.map.remove(key, value);
		}
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		synchronized (this.lock) {
			return this.map.replace(key, oldValue, newValue);
		}
	}

	@Override
	public @Nullable V replace(K key, V value) {
		synchronized (this.lock) {
			return this.map.replace(key, value);
		}
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		synchronized (this.lock) {
			return this.map.computeIfAbsent(key, mappingFunction);
		}
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		synchronized (this.lock) {
			return this.map.computeIfPresent(key, remappingFunction);
		}
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		synchronized (this.lock) {
			return this.map.compute(key, remappingFunction);
		}
	}

	@Override
	public @Nullable V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
		synchronized (this.lock) {
			return this.map.merge(key, value, remappingFunction);
		}
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		synchronized (this.lock) {
			this.map.replaceAll(function);
		}
	}

	@Override
	public void forEach(BiConsumer<? super K, ? super V> action) {
		for (Map.Entry<K, V> entry : snapshot()) {
			action.accept(entry.getKey(), entry.getValue());
		}
	}

	private List<Map.Entry<K, V>> snapshot() {
		synchronized (this.lock) {
			List<Map.Entry<K, V>> copy = new ArrayList<>(this.map.size());
			for (Map.Entry<K, V> entry : this.map.entrySet()) {
				copy.add(new WriteThroughEntry(entry.getKey(), entry.getValue()));
			}
			return copy;
		}
	}

	@Override
	public Set<Map.Entry<K, V>> entrySet() {
		Set<Map.Entry<K, V>> result = this.entrySet;
		if (result == null) {
			result = new EntrySet();
			this.entrySet = result;
		}
		return result;
	}

	@Override
	public boolean equals(Object o) {
		if (o == this) {
			return true;
		}
		synchronized (this.lock) {
			return this.map.equals(o);
		}
	}

	@Override
	public int hashCode() {
		synchronized (this.lock) {
			return this.map.hashCode();
		}
	}

	@Override
	public String toString() {
		synchronized (this.lock) {
			return this.map.toString();
		}
	}

	private final class EntrySet extends AbstractSet<Map.Entry<K, V>> {

		@Override
		public Iterator<Map.Entry<K, V>> iterator() {
			Iterator<Map.Entry<K, V>> snapshot = snapshot().iterator();
			return new Iterator<>() {

				private Map.@Nullable Entry<K, V> last;

				@Override
				public boolean hasNext() {
					return snapshot.hasNext();
				}

				@Override
				public Map.Entry<K, V> next() {
					this.last = snapshot.next();
					return this.last;
				}

				@Override
				public void remove() {
					if (this.last == null) {
						throw new IllegalStateException("next() has not been called, or remove() was already called");
					}
					LockedOrderedMap.this.remove(this.last.getKey());
					this.last = null;
				}

			};
		}

		@Override
		public int size() {
			return LockedOrderedMap.this.size();
		}

		@Override
		public boolean contains(Object o) {
			if (!(o instanceof Map.Entry<?, ?> e)) {
				return false;
			}
			synchronized (LockedOrderedMap.this.lock) {
				Object value = LockedOrderedMap.this.map.get(e.getKey());
				return value != null && value.equals(e.getValue());
			}
		}

		@Override
		public boolean remove(Object o) {
			return (o instanceof Map.Entry<?, ?> e) && LockedOrderedMap.this.remove(e.getKey(), e.getValue());
		}

		@Override
		public void clear() {
			LockedOrderedMap.this.clear();
		}

	}

	private final class WriteThroughEntry extends AbstractMap.SimpleEntry<K, V> {

		WriteThroughEntry(K key, V value) {
			super(key, value);
		}

		@Override
		public V setValue(V value) {
			if (value == null) {
				throw new NullPointerException("a guarded map rejects a null value in Entry.setValue");
			}
			V previous = super.setValue(value);
			LockedOrderedMap.this.put(getKey(), value);
			return previous;
		}

	}

}
