package dev.safemap.guard;

import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import static dev.safemap.guard.MapOperation.*;

/**
 * Guard mode with an observer. Every operation is reported to the {@link MapObserver}, except keyed
 * reads and writes when the observer has an {@link OperationSampler}, which then counts them:
 * <ul>
 * <li>keyed reads go through {@link #reads}: the contents themselves, or while the sampler's
 * {@link ReadWindow} is open, a {@link CountingReads} view that counts them first (without a sampler,
 * always the view, which reports each read to the observer). An uncounted read thus runs the same
 * code as an unobserved map's: no check of its own;</li>
 * <li>a keyed write takes one of a power-of-two array of lock stripes (chosen by the key's hash), so
 * that contention can be measured: {@code tryLock} first, and only when that fails the wait for
 * {@code lock} is timed and reported through {@link MapObserver#contended}, after the stripe is
 * released so that recording never lengthens the critical section. With a sampler, only while the
 * window is open or on a stripe where writes of one key waited for each other lately
 * ({@link OperationSampler#locks(int)}); any other write goes straight to the contents, counted by
 * the sampler without a lock.</li>
 * </ul>
 * Reads stay lock-free on the target, and the stripes only measure: the contents (a
 * {@code ConcurrentMap}) make every operation atomic with or without them. Mapping functions run
 * while the key's bin (and the stripe, when taken) is held: like {@code ConcurrentHashMap}'s, they
 * must not write to other keys of this map. Thread-safe.
 */
@SuppressWarnings("NullAway")
final class ObservedGuardedMap<K, V> extends AbstractGuardedMap<K, V> {

	private final ConcurrentMap<K, V> target;

	static final int STRIPES = 64;

	/** What {@link #acquire} returns when the write goes ahead without its stripe. */
	private static final long UNLOCKED = -2;

	private final MapObserver observer;

	/** Logs the observer's first failure; used only in {@code catch} blocks. */
	private final ObserverFailures observerFailures;

	/** Counts the keyed reads and writes instead of the observer, or {@code null}: the observer is called. */
	private final @Nullable OperationSampler operationSampler;

	/**
	 * Where keyed reads go: {@link #target}, or {@link #countingReads} while they are counted (the
	 * sampler's window is open, or always without a sampler).
	 */
	private volatile ConcurrentMap<K, V> reads;

	private final ConcurrentMap<K, V> countingReads;

	/** Swaps {@link #reads} when the window opens or closes; held here, the window holds it weakly. */
	private final ReadWindow.@Nullable Listener windowListener;

	private final ReentrantLock[] stripes;

	ObservedGuardedMap(String name, ConcurrentMap<K, V> target, Class<?> originalType, MapObserver observer,
			Class<? extends Number> counterType) {
		super(name, target, originalType, counterType);
		this.target = target;
		this.observer = observer;
		this.observerFailures = new ObserverFailures(name, observer);
		this.operationSampler = observer.operationSampler();
		this.countingReads = new CountingReads<>(target, this.operationSampler, observer, this.observerFailures);
		if (this.operationSampler != null) {
			this.reads = target;
			this.windowListener = (opened) -> this.reads = opened ? this.countingReads : this.target;
			this.operationSampler.window().attach(this.windowListener);
		}
		else {
			this.reads = this.countingReads;
			this.windowListener = null;
		}
		this.stripes = new ReentrantLock[STRIPES];
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new ReentrantLock();
		}
	}

	private void observe(MapOperation operation, @Nullable Object key) {
		try {
			this.observer.operation(operation, key);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map (its contract says it must not throw)
			this.observerFailures.failed("operation", operation, ex);
		}
	}

	/** The lock stripe of a key (package-private for tests). */
	static int stripeIndex(Object key) {
		int h = key.hashCode();
		return (h ^ (h >>> 16)) & (STRIPES - 1);
	}

	/**
	 * Takes the key's stripe, unless the operation sampler says this write need not
	 * ({@link OperationSampler#locks(int)}: the window is closed and the stripe has not been contended
	 * lately), in which case the sampler counts it and the write goes ahead unlocked. Otherwise
	 * {@code tryLock} first, and only when that fails the wait for {@code lock} is timed. Then counts
	 * the operation: under the stripe, by the operation sampler when there is one (a plain
	 * increment), else through the observer.
	 * @return how long the operation waited, {@code -1} when it did not wait, or {@link #UNLOCKED}
	 */
	private long acquire(MapOperation operation, Object key, int stripe) {
		OperationSampler sampler = this.operationSampler;
		if (sampler != null && !sampler.locks(stripe)) {
			sampler.unlockedWrite(operation);
			return UNLOCKED;
		}
		// the holder's hash, for the sampler: same-key waits keep a stripe locked
		int hash = (sampler != null) ? key.hashCode() : 0;
		ReentrantLock lock = this.stripes[stripe];
		long waited = -1;
		if (!lock.tryLock()) {
			if (sampler != null) {
				sampler.waiting(stripe, hash);
			}
			long start = System.nanoTime();
			lock.lock();
			waited = System.nanoTime() - start;
		}
		if (sampler != null) {
			sampler.write(stripe, operation, key, hash);
		}
		else {
			observe(operation, key);
		}
		return waited;
	}

	/**
	 * Releases the stripe, then reports a wait: the observer's recording (and any call-site capture)
	 * runs outside the critical section, so it never makes other writers wait longer.
	 */
	private void release(MapOperation operation, Object key, int stripe, long waited) {
		if (waited == UNLOCKED) {
			return;
		}
		this.stripes[stripe].unlock();
		if (waited >= 0) {
			try {
				this.observer.contended(operation, key, stripe, waited);
			}
			catch (RuntimeException ex) {
				// an observer must never break the map (its contract says it must not throw)
				this.observerFailures.failed("contended", operation, ex);
			}
		}
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
		int stripe = stripeIndex(key);
		long waited = acquire(INCREMENT, key, stripe);
		try {
			return Counters.add(this.target, key, delta, this.counterType, this.name);
		}
		finally {
			release(INCREMENT, key, stripe, waited);
		}
	}

	@Override
	public int size() {
		observe(SIZE, null);
		return this.target.size();
	}

	@Override
	public boolean isEmpty() {
		observe(SIZE, null);
		return this.target.isEmpty();
	}

	@Override
	public boolean containsKey(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, CONTAINS_KEY);
		}
		return this.reads.containsKey(key);
	}

	@Override
	public boolean containsValue(Object value) {
		if (value == null) {
			throw Nulls.value(this.name, CONTAINS_VALUE);
		}
		observe(CONTAINS_VALUE, null);
		return this.target.containsValue(value);
	}

	@Override
	public @Nullable V get(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, GET);
		}
		return this.reads.get(key);
	}

	@Override
	public @Nullable V getOrDefault(Object key, V defaultValue) {
		if (key == null) {
			throw Nulls.key(this.name, GET);
		}
		return this.reads.getOrDefault(key, defaultValue);
	}

	@Override
	public @Nullable V put(K key, V value) {
		if (key == null) {
			throw Nulls.key(this.name, PUT);
		}
		if (value == null) {
			throw Nulls.value(this.name, PUT);
		}
		int stripe = stripeIndex(key);
		long waited = acquire(PUT, key, stripe);
		try {
			return this.target.put(key, value);
		}
		finally {
			release(PUT, key, stripe, waited);
		}
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
		for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
			put(e.getKey(), e.getValue());
		}
	}

	@Override
	public @Nullable V remove(Object key) {
		if (key == null) {
			throw Nulls.key(this.name, REMOVE);
		}
		int stripe = stripeIndex(key);
		long waited = acquire(REMOVE, key, stripe);
		try {
			return this.target.remove(key);
		}
		finally {
			release(REMOVE, key, stripe, waited);
		}
	}

	@Override
	public void clear() {
		observe(CLEAR, null);
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
		int stripe = stripeIndex(key);
		long waited = acquire(PUT_IF_ABSENT, key, stripe);
		try {
			return this.target.putIfAbsent(key, value);
		}
		finally {
			release(PUT_IF_ABSENT, key, stripe, waited);
		}
	}

	@Override
	public boolean remove(Object key, Object value) {
		if (key == null) {
			throw Nulls.key(this.name, REMOVE);
		}
		if (value == null) {
			return false;
		}
		int stripe = stripeIndex(key);
		long waited = acquire(REMOVE, key, stripe);
		try {
			return this.target.remove(key, value);
		}
		finally {
			release(REMOVE, key, stripe, waited);
		}
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		if (key == null) {
			throw Nulls.key(this.name, REPLACE);
		}
		if (oldValue == null || newValue == null) {
			throw Nulls.value(this.name, REPLACE);
		}
		int stripe = stripeIndex(key);
		long waited = acquire(REPLACE, key, stripe);
		try {
			return this.target.replace(key, oldValue, newValue);
		}
		finally {
			release(REPLACE, key, stripe, waited);
		}
	}

	@Override
	public @Nullable V replace(K key, V value) {
		if (key == null) {
			throw Nulls.key(this.name, REPLACE);
		}
		if (value == null) {
			throw Nulls.value(this.name, REPLACE);
		}
		int stripe = stripeIndex(key);
		long waited = acquire(REPLACE, key, stripe);
		try {
			return this.target.replace(key, value);
		}
		finally {
			release(REPLACE, key, stripe, waited);
		}
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE_IF_ABSENT);
		}
		if (mappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE_IF_ABSENT, "mapping function");
		}
		int stripe = stripeIndex(key);
		long waited = acquire(COMPUTE_IF_ABSENT, key, stripe);
		try {
			return this.target.computeIfAbsent(key, mappingFunction);
		}
		finally {
			release(COMPUTE_IF_ABSENT, key, stripe, waited);
		}
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE_IF_PRESENT);
		}
		if (remappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE_IF_PRESENT, "remapping function");
		}
		int stripe = stripeIndex(key);
		long waited = acquire(COMPUTE_IF_PRESENT, key, stripe);
		try {
			return this.target.computeIfPresent(key, remappingFunction);
		}
		finally {
			release(COMPUTE_IF_PRESENT, key, stripe, waited);
		}
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		if (key == null) {
			throw Nulls.key(this.name, COMPUTE);
		}
		if (remappingFunction == null) {
			throw Nulls.argument(this.name, COMPUTE, "remapping function");
		}
		int stripe = stripeIndex(key);
		long waited = acquire(COMPUTE, key, stripe);
		try {
			return this.target.compute(key, remappingFunction);
		}
		finally {
			release(COMPUTE, key, stripe, waited);
		}
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
		int stripe = stripeIndex(key);
		long waited = acquire(MERGE, key, stripe);
		try {
			return this.target.merge(key, value, remappingFunction);
		}
		finally {
			release(MERGE, key, stripe, waited);
		}
	}

	@Override
	public void forEach(BiConsumer<? super K, ? super V> action) {
		observe(ITERATE, null);
		this.target.forEach(action);
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		observe(REPLACE, null);
		this.target.replaceAll(function);
	}

}
