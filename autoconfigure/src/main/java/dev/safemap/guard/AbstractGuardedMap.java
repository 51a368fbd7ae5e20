package dev.safemap.guard;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What every {@link GuardedMap} implementation shares: its name, the type of the map it replaced,
 * the counter type of {@link GuardedMap#add}, and {@code equals}, {@code hashCode} and
 * {@code toString} answered by the map that holds the contents, so that a guarded map compares and
 * prints like any {@code Map} with the same entries, and by default its views (the contents map's own:
 * {@link DetectingMap} overrides them to track iterations). Thread-safe when the contents map is (the
 * subclasses guarantee it).
 */
abstract class AbstractGuardedMap<K, V> implements GuardedMap<K, V> {

	final String name;

	final Class<? extends Number> counterType;

	private final Map<K, V> contents;

	private final Class<?> originalType;

	AbstractGuardedMap(String name, Map<K, V> contents, Class<?> originalType, Class<? extends Number> counterType) {
		this.name = name;
		this.contents = contents;
		this.originalType = originalType;
		this.counterType = counterType;
	}

	@Override
	public final String name() {
		return this.name;
	}

	@Override
	public final Class<?> originalType() {
		return this.originalType;
	}

	/**
	 * The number of entries, read from the contents without being observed: a monitoring read (the
	 * {@code safemap.map.size} gauge, the endpoint's {@code size}) is not one of the application's map operations.
	 * @return the number of entries now
	 */
	final int unobservedSize() {
		return this.contents.size();
	}

	@Override
	public Set<K> keySet() {
		return this.contents.keySet();
	}

	@Override
	public Collection<V> values() {
		return this.contents.values();
	}

	@Override
	public Set<Map.Entry<K, V>> entrySet() {
		return this.contents.entrySet();
	}

	@Override
	public final boolean equals(Object o) {
		return o == this || this.contents.equals(o);
	}

	@Override
	public final int hashCode() {
		return this.contents.hashCode();
	}

	@Override
	public final String toString() {
		return this.contents.toString();
	}

}
