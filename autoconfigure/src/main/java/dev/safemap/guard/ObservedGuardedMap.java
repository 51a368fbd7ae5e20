package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.support.KeyMasker;
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
 * <li>a keyed write is <em>watched</em> on one of {@value #STRIPES} stripes (chosen by the key's
 * hash) so that contention can be measured: it marks itself in flight there (an atomic counter per
 * stripe, never a lock), and when it finds another write in flight on its stripe it times how long
 * the contents make it wait: until its mapping function runs ({@code compute*}, {@code merge}), or
 * the whole call (operations without one, or a function the contents did not call). That wait is
 * reported through {@link MapObserver#contended} after the operation. With a sampler, a write is
 * watched only while the window is open or, while the sampler's hot window is open, on a stripe where
 * writes of one key met lately ({@link OperationSampler#idle()}, {@link OperationSampler#watches(int)}; a
 * meeting measured in the hot window is reported with {@link OperationSampler#hotWeight()}); any other write
 * goes straight to the contents, uncounted
 * (the sampler counts keyed writes, as keyed reads, only while the window is open). While the window
 * is closed and no stripe is hot, a write does not even find its stripe: it runs the null checks and
 * two loads before the contents' own call (while a stripe is hot, three).</li>
 * </ul>
 * <b>No lock of this class is ever held</b>, around the contents or around user code (mapping
 * functions, the observer, keys' {@code hashCode}/{@code equals}): the contents (a
 * {@code ConcurrentMap}) make every operation atomic, and they alone make writes wait, exactly as
 * without observation. So a slow mapping function blocks no other key, and a function that waits for
 * another thread's write of another key completes wherever {@code ConcurrentHashMap} completes
 * (failure catalogue #16). Mapping functions run while the contents hold the key's bin: like
 * {@code ConcurrentHashMap}'s, they must not write to other keys of this map. Thread-safe.
 */
@SuppressWarnings("NullAway")
final class ObservedGuardedMap<K, V> extends AbstractGuardedMap<K, V> {

	private final ConcurrentMap<K, V> target;

	static final int STRIPES = 64;

	/** What {@link #enter} returns: the write is not watched (the sampler said so). */
	private static final int UNWATCHED = 0;

	/** What {@link #enter} returns: watched, and no other write was in flight on its stripe. */
	private static final int ALONE = 1;

	/** What {@link #enter} returns: watched, and another write was in flight on its stripe. */
	private static final int MET = 2;

	/**
	 * What {@link #enter} returns: as {@link #MET}, but watched outside the sampler's window, as a write of
	 * a hot stripe in the hot window: the meeting counts for {@link OperationSampler#hotWeight()}.
	 */
	private static final int MET_HOT = 3;

	/** Ints per stripe in {@link #stripes}: a cache line each. */
	private static final int STRIDE = 16;

	private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

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

	/**
	 * Per stripe, at {@code stripe * STRIDE}: the watched writes in flight (atomic), and next to it the
	 * {@code hashCode()} of the last one to start (opaque: a stale value only makes a stripe watched
	 * one time more or less).
	 */
	private final int[] stripes = new int[STRIPES * STRIDE];

	/** Masks keys in flight recorder events. */
	private final KeyMasker keyMasker;

	private final boolean showKeys;

	ObservedGuardedMap(String name, ConcurrentMap<K, V> target, Class<?> originalType, MapObserver observer,
			Class<? extends Number> counterType) {
		this(name, target, originalType, observer, counterType, KeyMasker.shared(), false);
	}

	ObservedGuardedMap(String name, ConcurrentMap<K, V> target, Class<?> originalType, MapObserver observer,
			Class<? extends Number> counterType, KeyMasker keyMasker, boolean showKeys) {
		super(name, target, originalType, counterType);
		this.keyMasker = keyMasker;
		this.showKeys = showKeys;
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

	/**
	 * Whether a keyed write can go straight to the contents, unwatched and uncounted: the sampler's
	 * window is closed and none of its stripes is hot ({@link OperationSampler#idle()}).
	 */
	private boolean idle() {
		OperationSampler sampler = this.operationSampler;
		return sampler != null && sampler.idle();
	}

	/** The stripe of a key (package-private for tests). */
	static int stripeIndex(Object key) {
		int h = key.hashCode();
		return (h ^ (h >>> 16)) & (STRIPES - 1);
	}

	/**
	 * Starts a keyed write: unless the operation sampler says it need not be watched
	 * ({@link OperationSampler#watches(int)}: the window is closed and the stripe has not seen writes of
	 * one key meet lately), in which case nothing happens, counts it (by the sampler while its window is
	 * open, else through the observer) and marks it in flight on its stripe. Never waits. The
	 * caller must call {@link #exit} with the result, in a {@code finally} block.
	 * @return {@link #UNWATCHED}, {@link #ALONE}, {@link #MET} or {@link #MET_HOT}
	 */
	private int enter(MapOperation operation, Object key, int stripe) {
		OperationSampler sampler = this.operationSampler;
		boolean hotOnly = false;
		if (sampler != null) {
			if (!sampler.watches(stripe)) {
				return UNWATCHED;
			}
			hotOnly = !sampler.watchedWrite(operation, key);
		}
		else {
			observe(operation, key);
		}
		int hash = key.hashCode();
		int i = stripe * STRIDE;
		// nothing that can throw after this increment: exit() must always undo it
		int inFlight = (int) INTS.getAndAdd(this.stripes, i, 1);
		if (inFlight > 0 && sampler != null && (int) INTS.getOpaque(this.stripes, i + 1) == hash) {
			sampler.sameKeyMet(stripe);
		}
		INTS.setOpaque(this.stripes, i + 1, hash);
		if (inFlight == 0) {
			return ALONE;
		}
		return hotOnly ? MET_HOT : MET;
	}

	/** When a write that met another one started timing its wait, else 0 (no clock read). */
	private static long start(int entered) {
		return (entered >= MET) ? System.nanoTime() : 0;
	}

	/**
	 * Ends a keyed write started by {@link #enter}: unmarks it, then, if it met another write, reports
	 * how long it waited since {@code startNanos} to the observer, outside the operation.
	 */
	private void exit(MapOperation operation, Object key, int stripe, int entered, long startNanos) {
		if (entered == UNWATCHED) {
			return;
		}
		INTS.getAndAdd(this.stripes, stripe * STRIDE, -1);
		if (entered >= MET) {
			reportWait(operation, key, stripe, entered, System.nanoTime() - startNanos);
		}
	}

	/** As above, for a compound operation: the wait is {@link Timed#waited()}. */
	private void exit(MapOperation operation, Object key, int stripe, int entered, @Nullable Timed timed) {
		if (entered == UNWATCHED) {
			return;
		}
		INTS.getAndAdd(this.stripes, stripe * STRIDE, -1);
		if (timed != null) {
			long waited = timed.waited();
			timed.giveBack();
			reportWait(operation, key, stripe, entered, waited);
		}
	}

	private void reportWait(MapOperation operation, Object key, int stripe, int entered, long waited) {
		// a check when no recording wants it; masks and walks the stack only for a recorded wait
		SafeMapEvents.contended(this.name, operation, key, this.keyMasker, this.showKeys, waited, CallSite::capture);
		try {
			OperationSampler sampler = this.operationSampler;
			int weight = (entered == MET_HOT && sampler != null) ? sampler.hotWeight() : 1;
			this.observer.contended(operation, key, stripe, waited, weight);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map (its contract says it must not throw)
			this.observerFailures.failed("contended", operation, ex);
		}
	}

	/**
	 * How long a compound operation that met another write waited for the contents to run its function:
	 * from {@link #take} to the function's first call, or to {@link #waited()} when the function was not
	 * called. It stands in for the caller's function (marks, then calls it), and is reused: each thread has
	 * one, taken by an operation and given back by {@link #exit}; an operation that finds its thread's taken
	 * (the caller's function writes another guarded map) uses a new one. Under contention nearly every write
	 * meets another, so an object per timed write made the write path allocate beyond what the contents do.
	 * Used on its thread only (the contents call the function on the caller's thread).
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final class Timed {

		private static final ThreadLocal<Timed> PER_THREAD = ThreadLocal.withInitial(Timed::new);

		private long start;

		private long called;

		private boolean wasCalled;

		private boolean taken;

		private @Nullable Function function;

		private @Nullable BiFunction biFunction;

		/** Starts timing a compound operation whose function is {@code function} or {@code biFunction}. */
		static Timed take(@Nullable Function<?, ?> function, @Nullable BiFunction<?, ?, ?> biFunction) {
			Timed timed = PER_THREAD.get();
			if (timed.taken) {
				timed = new Timed();
			}
			timed.taken = true;
			timed.wasCalled = false;
			timed.function = function;
			timed.biFunction = biFunction;
			timed.start = System.nanoTime();
			return timed;
		}

		/** Ends its use by the operation that took it, dropping the caller's function. */
		void giveBack() {
			this.function = null;
			this.biFunction = null;
			this.taken = false;
		}

		private void mark() {
			if (!this.wasCalled) {
				this.wasCalled = true;
				this.called = System.nanoTime();
			}
		}

		/** Stands in for a caller's {@code Function}: made once per {@code Timed}. */
		private final Function<Object, Object> standIn = (key) -> {
			mark();
			return this.function.apply(key);
		};

		/** Stands in for a caller's {@code BiFunction}: made once per {@code Timed}. */
		private final BiFunction<Object, Object, Object> biStandIn = (first, second) -> {
			mark();
			return this.biFunction.apply(first, second);
		};

		long waited() {
			return (this.wasCalled ? this.called : System.nanoTime()) - this.start;
		}

		/** This, as the function the contents call instead of the caller's (given to {@link #take}). */
		<T, R> Function<T, R> asFunction() {
			return (Function) this.standIn;
		}

		/** This, as the function the contents call instead of the caller's (given to {@link #take}). */
		<T, U, R> BiFunction<T, U, R> asBiFunction() {
			return (BiFunction) this.biStandIn;
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
		if (idle()) {
			return Counters.add(this.target, key, delta, this.counterType, this.name);
		}
		return watchedAdd(key, delta);
	}

	/** The rest of {@link #add} when the write is watched or counted. */
	private long watchedAdd(K key, long delta) {
		int stripe = stripeIndex(key);
		int entered = enter(INCREMENT, key, stripe);
		long start = start(entered);
		try {
			return Counters.add(this.target, key, delta, this.counterType, this.name);
		}
		finally {
			exit(INCREMENT, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.put(key, value);
		}
		return watchedPut(key, value);
	}

	/** The rest of {@link #put} when the write is watched or counted. */
	private @Nullable V watchedPut(K key, V value) {
		int stripe = stripeIndex(key);
		int entered = enter(PUT, key, stripe);
		long start = start(entered);
		try {
			return this.target.put(key, value);
		}
		finally {
			exit(PUT, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.remove(key);
		}
		return watchedRemove(key);
	}

	/** The rest of {@link #remove} when the write is watched or counted. */
	private @Nullable V watchedRemove(Object key) {
		int stripe = stripeIndex(key);
		int entered = enter(REMOVE, key, stripe);
		long start = start(entered);
		try {
			return this.target.remove(key);
		}
		finally {
			exit(REMOVE, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.putIfAbsent(key, value);
		}
		return watchedPutIfAbsent(key, value);
	}

	/** The rest of {@link #putIfAbsent} when the write is watched or counted. */
	private @Nullable V watchedPutIfAbsent(K key, V value) {
		int stripe = stripeIndex(key);
		int entered = enter(PUT_IF_ABSENT, key, stripe);
		long start = start(entered);
		try {
			return this.target.putIfAbsent(key, value);
		}
		finally {
			exit(PUT_IF_ABSENT, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.remove(key, value);
		}
		return watchedRemove(key, value);
	}

	/** The rest of {@link #remove} when the write is watched or counted. */
	private boolean watchedRemove(Object key, Object value) {
		int stripe = stripeIndex(key);
		int entered = enter(REMOVE, key, stripe);
		long start = start(entered);
		try {
			return this.target.remove(key, value);
		}
		finally {
			exit(REMOVE, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.replace(key, oldValue, newValue);
		}
		return watchedReplace(key, oldValue, newValue);
	}

	/** The rest of {@link #replace} when the write is watched or counted. */
	private boolean watchedReplace(K key, V oldValue, V newValue) {
		int stripe = stripeIndex(key);
		int entered = enter(REPLACE, key, stripe);
		long start = start(entered);
		try {
			return this.target.replace(key, oldValue, newValue);
		}
		finally {
			exit(REPLACE, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.replace(key, value);
		}
		return watchedReplace(key, value);
	}

	/** The rest of {@link #replace} when the write is watched or counted. */
	private @Nullable V watchedReplace(K key, V value) {
		int stripe = stripeIndex(key);
		int entered = enter(REPLACE, key, stripe);
		long start = start(entered);
		try {
			return this.target.replace(key, value);
		}
		finally {
			exit(REPLACE, key, stripe, entered, start);
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
		if (idle()) {
			return this.target.computeIfAbsent(key, mappingFunction);
		}
		return watchedComputeIfAbsent(key, mappingFunction);
	}

	/** The rest of {@link #computeIfAbsent} when the write is watched or counted. */
	private @Nullable V watchedComputeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		int stripe = stripeIndex(key);
		int entered = enter(COMPUTE_IF_ABSENT, key, stripe);
		Timed timed = null;
		try {
			if (entered < MET) {
				return this.target.computeIfAbsent(key, mappingFunction);
			}
			timed = Timed.take(mappingFunction, null);
			return this.target.computeIfAbsent(key, timed.asFunction());
		}
		finally {
			exit(COMPUTE_IF_ABSENT, key, stripe, entered, timed);
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
		if (idle()) {
			return this.target.computeIfPresent(key, remappingFunction);
		}
		return watchedComputeIfPresent(key, remappingFunction);
	}

	/** The rest of {@link #computeIfPresent} when the write is watched or counted. */
	private @Nullable V watchedComputeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		int stripe = stripeIndex(key);
		int entered = enter(COMPUTE_IF_PRESENT, key, stripe);
		Timed timed = null;
		try {
			if (entered < MET) {
				return this.target.computeIfPresent(key, remappingFunction);
			}
			timed = Timed.take(null, remappingFunction);
			return this.target.computeIfPresent(key, timed.asBiFunction());
		}
		finally {
			exit(COMPUTE_IF_PRESENT, key, stripe, entered, timed);
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
		if (idle()) {
			return this.target.compute(key, remappingFunction);
		}
		return watchedCompute(key, remappingFunction);
	}

	/** The rest of {@link #compute} when the write is watched or counted. */
	private @Nullable V watchedCompute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		int stripe = stripeIndex(key);
		int entered = enter(COMPUTE, key, stripe);
		Timed timed = null;
		try {
			if (entered < MET) {
				return this.target.compute(key, remappingFunction);
			}
			timed = Timed.take(null, remappingFunction);
			return this.target.compute(key, timed.asBiFunction());
		}
		finally {
			exit(COMPUTE, key, stripe, entered, timed);
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
		if (idle()) {
			return this.target.merge(key, value, remappingFunction);
		}
		return watchedMerge(key, value, remappingFunction);
	}

	/** The rest of {@link #merge} when the write is watched or counted. */
	private @Nullable V watchedMerge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
		int stripe = stripeIndex(key);
		int entered = enter(MERGE, key, stripe);
		Timed timed = null;
		try {
			if (entered < MET) {
				return this.target.merge(key, value, remappingFunction);
			}
			timed = Timed.take(null, remappingFunction);
			return this.target.merge(key, value, timed.asBiFunction());
		}
		finally {
			exit(MERGE, key, stripe, entered, timed);
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
