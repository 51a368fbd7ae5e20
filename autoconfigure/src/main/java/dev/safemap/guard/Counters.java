package dev.safemap.guard;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of the counter helper ({@link GuardedMap#add}), shared by every implementation.
 * Stateless and thread-safe.
 */
final class Counters {

	/** Adds two counters, keeping the type of the stored one. Pure: safe to retry (skip-list maps). */
	static final BiFunction<Object, Object, Object> SUM = Counters::sum;

	private Counters() {
	}

	static Object initial(Class<? extends Number> counterType, long delta, String mapName) {
		if (counterType == Integer.class) {
			return Math.toIntExact(delta);
		}
		return delta;
	}

	static Object sum(Object stored, Object delta) {
		long d = ((Number) delta).longValue();
		if (stored instanceof Long) {
			return Math.addExact((Long) stored, d);
		}
		if (stored instanceof Integer) {
			return Math.toIntExact(Math.addExact((long) (Integer) stored, d));
		}
		if (stored instanceof AtomicLong || stored instanceof AtomicInteger) {
			throw MutableCounter.INSTANCE;
		}
		throw notACounter(stored);
	}

	static IllegalStateException notACounter(Object stored) {
		return new IllegalStateException(
				"value is a " + stored.getClass().getName() + ", not a counter (Integer, Long, AtomicInteger, AtomicLong)");
	}

	/**
	 * Adds to a mutable counter in place, or returns {@code null} when the value is not one.
	 */
	static @Nullable Long addToMutable(Object stored, long delta) {
		if (stored instanceof AtomicLong) {
			return ((AtomicLong) stored).addAndGet(delta);
		}
		if (stored instanceof AtomicInteger) {
			return (long) ((AtomicInteger) stored).addAndGet(Math.toIntExact(delta));
		}
		return null;
	}

	/**
	 * The counter helper on any map whose {@code merge} and {@code get} are as atomic as needed: one
	 * {@code merge} on the fast path (boxed {@code Long}/{@code Integer}); mutable atomic counters are
	 * found by {@link #sum} and updated in place outside the map's lock, so {@code SUM} stays pure.
	 */
	@SuppressWarnings("unchecked")
	static <K, V> long add(Map<K, V> map, K key, long delta, Class<? extends Number> counterType, String mapName) {
		try {
			Object result = map.merge(key, (V) initial(counterType, delta, mapName),
					(BiFunction<? super V, ? super V, ? extends V>) (Object) SUM);
			return ((Number) result).longValue();
		}
		catch (MutableCounter ex) {
			V stored = map.get(key);
			Long added = (stored != null) ? addToMutable(stored, delta) : null;
			if (added == null) {
				// replaced concurrently by a non-mutable value: start over
				return add(map, key, delta, counterType, mapName);
			}
			return added;
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("map '" + mapName + "' add: " + ex.getMessage(), ex);
		}
	}

	/** Signals a mutable counter to {@link #add}; preallocated and stackless. */
	static final class MutableCounter extends RuntimeException {

		static final MutableCounter INSTANCE = new MutableCounter();

		private MutableCounter() {
			super("mutable counter", null, false, false);
		}

	}

}
