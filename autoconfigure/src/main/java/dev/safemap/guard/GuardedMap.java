package dev.safemap.guard;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

/**
 * A shared {@link Map} made safe for use by many threads, or watched for unsafe use.
 * <p>
 * In {@link GuardMode#GUARD guard} mode every operation is thread-safe; {@code compute},
 * {@code computeIfAbsent}, {@code computeIfPresent}, {@code merge}, {@code putIfAbsent} and
 * {@code replace} are atomic per key; iteration, views and {@code forEach} are weakly consistent and
 * never throw {@link java.util.ConcurrentModificationException}; a removed key is absent afterwards
 * (never read back as {@code null}-as-value, zero or empty); {@code null} keys and values are
 * rejected with a {@link NullPointerException} naming the map and the operation. {@code equals},
 * {@code hashCode} and {@code toString} behave as for any {@code Map}.
 * <p>
 * In {@link GuardMode#DETECT detect} mode the original map stays in place, keeps its own behaviour
 * (including its null handling) and is watched: two threads writing at once, a write during another
 * thread's iteration and the check-then-act lost update ({@code put(k, get(k) + 1)}) are reported as
 * {@link RaceReport}s.
 * <p>
 * In {@link GuardMode#WATCH watch} mode the map is a guard-mode map, and its reads are watched a
 * fraction of the time for the check-then-act lost update, reported as in detect mode.
 * <p>
 * {@link #increment} and {@link #add} replace the {@code counter[k]++} pattern with one atomic
 * operation.
 * <p>
 * Thread-safety: a guard- or watch-mode map is thread-safe. A detect-mode map is exactly as thread-safe as
 * the map it watches; its own bookkeeping is thread-safe.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 * @since 0.1.0
 */
public interface GuardedMap<K, V> extends ConcurrentMap<K, V> {

	/**
	 * Returns this map's name, used in reports and error messages (the bean name for map beans).
	 * @return the name
	 */
	String name();

	/**
	 * Returns how this map is guarded: {@link GuardMode#GUARD}, {@link GuardMode#WATCH} or {@link GuardMode#DETECT}.
	 * @return the mode
	 */
	GuardMode mode();

	/**
	 * Returns the type of the map this one was made from, for example {@code java.util.HashMap}.
	 * @return the original type
	 */
	Class<?> originalType();

	/**
	 * Atomically adds one to the counter stored under {@code key}, starting from zero when absent.
	 * @param key the key
	 * @return the new count
	 * @throws NullPointerException if key is null (guard mode)
	 * @throws IllegalStateException if the value under the key is not a counter
	 * ({@code Integer}, {@code Long}, {@code AtomicInteger}, {@code AtomicLong})
	 * @throws ArithmeticException if an {@code Integer} or {@code Long} counter would overflow
	 * @see #add(Object, long)
	 */
	default long increment(K key) {
		return add(key, 1L);
	}

	/**
	 * Atomically adds {@code delta} to the counter stored under {@code key}, starting from zero when
	 * absent. The counter keeps the type of the value already stored; an absent counter is created
	 * with the map's {@linkplain Builder#counterType counter type} ({@code Long} unless configured).
	 * In guard mode this is atomic per key; in detect mode it is as atomic as the watched map's
	 * {@code merge}.
	 * @param key the key
	 * @param delta the amount to add, may be negative
	 * @return the new count
	 * @throws NullPointerException if key is null (guard mode)
	 * @throws IllegalStateException if the value under the key is not a counter
	 * @throws ArithmeticException if an {@code Integer} or {@code Long} counter would overflow
	 */
	long add(K key, long delta);

	/**
	 * Starts building a guarded map.
	 * @param name the map's name, shown in reports and error messages
	 * @return a new builder
	 * @throws IllegalArgumentException if name is blank
	 */
	static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Guards a map in {@link GuardMode#GUARD guard} mode with no observer: a shortcut for
	 * {@code builder(name).wrap(map)}.
	 * @param name the map's name
	 * @param map the map; its contents are copied unless it is already a {@link ConcurrentMap}
	 * @param <K> the type of keys
	 * @param <V> the type of values
	 * @return the guarded map
	 */
	static <K, V> GuardedMap<K, V> guard(String name, Map<K, V> map) {
		return builder(name).wrap(map);
	}

	/**
	 * Builds a {@link GuardedMap} around an existing map.
	 * <p>
	 * In guard mode a {@link ConcurrentMap} is wrapped as it is (observed, never copied); a
	 * {@link java.util.SortedMap} is copied into a {@link ConcurrentSkipListMap} with the same
	 * comparator; an insertion-ordered {@link java.util.LinkedHashMap} into a lock-based map that keeps
	 * insertion order and iterates over snapshots; any other map into a
	 * {@link java.util.concurrent.ConcurrentHashMap}. In detect mode the map itself is wrapped.
	 * <p>
	 * Thread-safety: a builder is not thread-safe; the maps it builds are described above.
	 *
	 * @since 0.1.0
	 */
	final class Builder {

		private final String name;

		private GuardMode mode = GuardMode.GUARD;

		private MapObserver observer = MapObserver.NOOP;

		private @Nullable GuardedMapRegistry registry;

		private Class<? extends Number> counterType = Long.class;

		private boolean showKeys;

		private KeyMasker keyMasker = KeyMasker.shared();

		// detect mode's clock; tests replace it so that no verdict depends on the machine's speed
		private java.util.function.LongSupplier ticker = System::nanoTime;

		private int watchSampling = WatchWindows.DEFAULT_SAMPLING;

		// watch mode's window; tests open and close it themselves
		private @Nullable ReadWindow watchWindow;

		private Builder(String name) {
			Objects.requireNonNull(name, "name must not be null");
			if (name.isBlank()) {
				throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
			}
			this.name = name;
		}

		/**
		 * Sets the mode, {@link GuardMode#GUARD} by default.
		 * @param mode {@link GuardMode#GUARD}, {@link GuardMode#WATCH} or {@link GuardMode#DETECT}
		 * @return this builder
		 * @throws IllegalArgumentException if mode is {@link GuardMode#OFF}, which wraps nothing
		 */
		public Builder mode(GuardMode mode) {
			Objects.requireNonNull(mode, "mode must not be null");
			if (mode == GuardMode.OFF) {
				throw new IllegalArgumentException(
						"mode must be GUARD, WATCH or DETECT but was OFF for map '" + this.name + "': OFF leaves the map unwrapped");
			}
			this.mode = mode;
			return this;
		}

		/**
		 * Sets how much of the time watch mode watches reads: {@code 1/oneIn} of it,
		 * {@code 1/}{@value WatchWindows#DEFAULT_SAMPLING} by default (in {@value WatchWindows#WINDOW_MILLIS} ms
		 * windows at random moments, during which every keyed read is watched; at 1, always). A lower
		 * number finds a lost update sooner and costs more (docs/guarded-maps.md).
		 * @param oneIn a power of two from 1 to 2^20
		 * @return this builder
		 * @throws IllegalArgumentException if oneIn is not a power of two in that range
		 */
		public Builder watchSampling(int oneIn) {
			if (oneIn < 1 || oneIn > (1 << 20) || Integer.bitCount(oneIn) != 1) {
				throw new IllegalArgumentException(
						"watchSampling must be a power of two from 1 to 1048576 but was " + oneIn);
			}
			this.watchSampling = oneIn;
			return this;
		}

		/**
		 * For tests: watch mode watches reads while {@code window} is open (the test opens and closes
		 * it), instead of the shared window of its sampling.
		 */
		Builder watchWindow(ReadWindow window) {
			this.watchWindow = Objects.requireNonNull(window, "window must not be null");
			return this;
		}

		/**
		 * Sets the observer of operations, contention and races; {@link MapObserver#NOOP} (the
		 * fastest) by default.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(MapObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer must not be null");
			return this;
		}

		/**
		 * Registers the built map in a registry, which also receives, logs and keeps its race reports.
		 * @param registry the registry
		 * @return this builder
		 */
		public Builder registry(GuardedMapRegistry registry) {
			this.registry = Objects.requireNonNull(registry, "registry must not be null");
			return this;
		}

		/**
		 * Sets the type of a counter created by {@link GuardedMap#add} for an absent key.
		 * @param counterType {@code Long.class} (default) or {@code Integer.class}
		 * @return this builder
		 * @throws IllegalArgumentException for any other type
		 */
		public Builder counterType(Class<? extends Number> counterType) {
			Objects.requireNonNull(counterType, "counterType must not be null");
			if (counterType != Long.class && counterType != Integer.class) {
				throw new IllegalArgumentException(
						"counterType must be Long or Integer but was " + counterType.getName());
			}
			this.counterType = counterType;
			return this;
		}

		/**
		 * Sets whether race reports show keys as they are instead of masked
		 * ({@link KeyMasker}); false by default, as keys are often personal data.
		 * @param showKeys whether to show raw keys
		 * @return this builder
		 */
		public Builder showKeys(boolean showKeys) {
			this.showKeys = showKeys;
			return this;
		}

		/**
		 * Sets what masks keys in race reports: {@link KeyMasker#shared()} by default; give the application's masker so that a
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
		 * For tests: detect mode reads the time from {@code ticker} instead of
		 * {@link System#nanoTime()} (its lost-update and idle-iteration windows).
		 */
		Builder ticker(java.util.function.LongSupplier ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
			return this;
		}

		/**
		 * Builds the guarded map around {@code map}.
		 * @param map the map to guard or watch
		 * @param <K> the type of keys
		 * @param <V> the type of values
		 * @return the guarded map
		 * @throws IllegalArgumentException if the map cannot be guarded in the chosen mode, with the
		 * reason (see {@link MapKinds#whyNotGuardable(Map)})
		 */
		public <K, V> GuardedMap<K, V> wrap(Map<K, V> map) {
			Objects.requireNonNull(map, "map must not be null");
			if (map instanceof GuardedMap) {
				throw new IllegalArgumentException("map '" + this.name + "' is already a GuardedMap ('"
						+ ((GuardedMap<?, ?>) map).name() + "')");
			}
			String whyNot = MapKinds.whyNotGuardable(map);
			if (whyNot != null) {
				throw new IllegalArgumentException("map '" + this.name + "' (" + map.getClass().getName()
						+ ") cannot be guarded: " + whyNot);
			}
			GuardedMap<K, V> result;
			if (this.mode == GuardMode.DETECT) {
				result = new DetectingMap<>(this.name, map, this.observer, this.registry, this.showKeys, this.keyMasker,
						this.counterType, this.ticker);
			}
			else {
				ConcurrentMap<K, V> target = MapKinds.concurrentCopyOf(map);
				result = (this.observer == MapObserver.NOOP)
						? new FastGuardedMap<>(this.name, target, map.getClass(), this.counterType)
						: new ObservedGuardedMap<>(this.name, target, map.getClass(), this.observer, this.counterType,
								this.keyMasker, this.showKeys);
				if (this.mode == GuardMode.WATCH) {
					result = new WatchingMap<>(result, this.watchWindow, this.watchSampling, this.observer, this.registry,
							this.showKeys,
							this.keyMasker, this.ticker);
				}
			}
			if (this.registry != null) {
				this.registry.register(result);
			}
			return result;
		}

	}

}
