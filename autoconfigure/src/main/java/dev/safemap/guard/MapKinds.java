package dev.safemap.guard;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.jspecify.annotations.Nullable;

/**
 * Tells which maps can be guarded, and how.
 * <ul>
 * <li>{@link ConcurrentMap}s ({@code ConcurrentHashMap}, a Caffeine {@code asMap()}, ...) are already
 * thread-safe: they are wrapped for observation only, never copied;</li>
 * <li>{@link HashMap}, {@link TreeMap} and insertion-ordered {@link LinkedHashMap}, and their
 * subclasses that declare no methods of their own (double-brace initialisation), are guarded:
 * copied into a {@code ConcurrentHashMap}, a {@code ConcurrentSkipListMap} with the same comparator,
 * and an insertion-ordered lock-based map respectively;</li>
 * <li>everything else is left alone: access-ordered {@code LinkedHashMap}s (LRU caches, whose
 * {@code get} reorders the map), subclasses that override behaviour, {@code WeakHashMap},
 * {@code IdentityHashMap} and {@code EnumMap} (semantics a thread-safe copy would change),
 * {@code Hashtable} and {@code Collections.synchronizedMap} (code may lock on them), and
 * unmodifiable maps (nothing to guard).</li>
 * </ul>
 * <p>
 * Thread-safety: stateless, but {@link #whyNotGuardable} briefly adds and removes two private
 * entries on a {@code LinkedHashMap} to learn its ordering: call it before the map is shared.
 *
 * @since 0.1.0
 */
public final class MapKinds {

	private MapKinds() {
	}

	/**
	 * Whether the map is already safe for concurrent use on its own.
	 * @param map the map
	 * @return true for {@link ConcurrentMap}s, {@link Hashtable} and synchronized wrappers
	 */
	public static boolean isThreadSafe(Map<?, ?> map) {
		return map instanceof ConcurrentMap || map instanceof Hashtable
				|| map.getClass().getName().startsWith("java.util.Collections$Synchronized");
	}

	/**
	 * Returns why a map cannot be guarded or watched, or {@code null} when it can.
	 * @param map the map
	 * @return the reason, or {@code null}
	 */
	public static @Nullable String whyNotGuardable(Map<?, ?> map) {
		if (map instanceof GuardedMap) {
			return "it is already a GuardedMap";
		}
		if (map instanceof ConcurrentMap) {
			return null;
		}
		String type = map.getClass().getName();
		if (type.startsWith("java.util.Collections$Unmodifiable") || type.startsWith("java.util.ImmutableCollections$")) {
			return "it is unmodifiable: there is nothing to guard";
		}
		if (isThreadSafe(map)) {
			return "it is already synchronized (Hashtable or Collections.synchronizedMap), and code may lock on it";
		}
		Class<?> base = plainBase(map.getClass());
		if (base == null) {
			return "it is a " + type + ", whose own behaviour (weak or identity keys, enum order, overridden"
					+ " methods) a thread-safe copy would change; use a ConcurrentHashMap or leave it unshared";
		}
		if (base == LinkedHashMap.class && isAccessOrdered(map)) {
			return "it is an access-ordered LinkedHashMap (an LRU cache: get reorders it, so even reads write);"
					+ " use a bounded Caffeine cache instead";
		}
		return null;
	}

	/**
	 * The thread-safe structure that guard mode moves the map's contents into, or the map itself
	 * when it is already a {@link ConcurrentMap}.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static <K, V> ConcurrentMap<K, V> concurrentCopyOf(Map<K, V> map) {
		if (map instanceof ConcurrentMap) {
			return (ConcurrentMap<K, V>) map;
		}
		if (map instanceof SortedMap) {
			ConcurrentSkipListMap copy = new ConcurrentSkipListMap(((SortedMap) map).comparator());
			copy.putAll(map);
			return copy;
		}
		if (map instanceof LinkedHashMap) {
			return new LockedOrderedMap<>(map);
		}
		return new ConcurrentHashMap<>(map);
	}

	private static @Nullable Class<?> plainBase(Class<?> type) {
		Class<?> current = type;
		while (current != HashMap.class && current != LinkedHashMap.class && current != TreeMap.class) {
			if (current == null || current == Object.class || current.getName().startsWith("java.")) {
				return null;
			}
			for (Method method : current.getDeclaredMethods()) {
				if (!method.isSynthetic()) {
					return null;
				}
			}
			current = current.getSuperclass();
		}
		return current;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static boolean isAccessOrdered(Map map) {
		// LinkedHashMap does not expose its ordering: add two private sentinels, read the first and
		// see whether it moved to the end, then remove both (this leaves the user's entries untouched)
		Object first = new Object();
		Object second = new Object();
		try {
			map.put(first, first);
			map.put(second, second);
			map.get(first);
			Object last = null;
			for (Object key : map.keySet()) {
				last = key;
			}
			return last == first;
		}
		finally {
			map.remove(first);
			map.remove(second);
		}
	}

}
