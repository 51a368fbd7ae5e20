package dev.safemap.guard;

import java.time.Instant;
import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

import static dev.safemap.guard.MapOperation.*;

/**
 * Detect mode: the original map stays in place, keeps its own behaviour, and is watched like a race
 * detector.
 * <ul>
 * <li><b>Concurrent writes</b> (maps that are not thread-safe only): each write publishes itself as
 * the active writer for its duration; a write that finds another thread's write still active is
 * reported with both call sites.</li>
 * <li><b>Writes during an iteration</b> (maps that are not thread-safe only): iterators, views and
 * {@code forEach} register while they run; a write by another thread meanwhile is reported. An
 * iterator that is abandoned before its end stops counting after {@value #ITERATION_IDLE_MILLIS} ms
 * without a call.</li>
 * <li><b>Check-then-act lost updates</b> (every map, {@code ConcurrentHashMap} too): each write of a
 * key publishes a stamp (sequence, thread, call site) <em>before</em> changing the map; each read
 * remembers, per thread, the key and the stamp it saw <em>after</em> reading. When a thread then
 * writes that key unconditionally ({@code put}, {@code remove(key)}, {@code replace(key, value)})
 * within {@value #LOST_UPDATE_WINDOW_MILLIS} ms and the key's stamp now belongs to another thread's
 * newer write, the other thread's write was lost: reported with both writers' call sites. Atomic
 * operations ({@code compute}, {@code merge}, {@code putIfAbsent}, conditional
 * {@code remove}/{@code replace}, the counter helper) are the fix and never reported as such.</li>
 * </ul>
 * Reports of the same kind and pair of call sites are rate-limited to one per second per map (every
 * occurrence is still counted in the registry's {@code raceCount}).
 * Correctly synchronized use raises nothing: under one lock no other write can fall between a read
 * and a write, no two writes overlap, and an iteration finishes before the next write. Every write
 * captures its call site with a {@link StackWalker} (a few microseconds): detect mode is a diagnostic
 * mode. Stamps are kept per key ever written (memory grows with the number of distinct keys).
 * Thread-safety: the bookkeeping is thread-safe; the map is as thread-safe as the original.
 */
@SuppressWarnings("NullAway")
final class DetectingMap<K, V> extends AbstractGuardedMap<K, V> {

	static final long LOST_UPDATE_WINDOW_MILLIS = 1_000;

	static final long ITERATION_IDLE_MILLIS = 1_000;

	private static final long LOST_UPDATE_WINDOW = TimeUnit.MILLISECONDS.toNanos(LOST_UPDATE_WINDOW_MILLIS);

	private static final long ITERATION_IDLE = TimeUnit.MILLISECONDS.toNanos(ITERATION_IDLE_MILLIS);

	private static final long REPORT_INTERVAL = TimeUnit.SECONDS.toNanos(1);

	private static final Object NULL_KEY = new Object();

	private static final Object NO_KEY = new Object();

	private final Map<K, V> target;

	private final MapObserver observer;

	/** Logs the observer's first failure; used only in {@code catch} blocks. */
	private final ObserverFailures observerFailures;

	/** Counts the keyed reads instead of the observer, or {@code null}: the observer is called. */
	private final @Nullable OperationSampler operationSampler;

	private final @Nullable GuardedMapRegistry registry;

	private final boolean showKeys;

	private final KeyMasker keyMasker;

	private final boolean threadSafeTarget;

	private final AtomicLong sequence = new AtomicLong();

	private final Map<Object, Stamp> stamps = new ConcurrentHashMap<>();

	private final ThreadLocal<ReadRecord> reads = ThreadLocal.withInitial(ReadRecord::new);

	private final AtomicReference<@Nullable Access> activeWriter = new AtomicReference<>();

	private final Set<Iteration> iterations = ConcurrentHashMap.newKeySet();

	private final AtomicInteger iterationCount = new AtomicInteger();

	private final Map<ReportKey, Long> lastReported = new ConcurrentHashMap<>();

	/** Reads the time for the lost-update and idle-iteration windows: {@link System#nanoTime()}, or a test's. */
	private final LongSupplier ticker;

	DetectingMap(String name, Map<K, V> target, MapObserver observer, @Nullable GuardedMapRegistry registry,
			boolean showKeys, KeyMasker keyMasker, Class<? extends Number> counterType) {
		this(name, target, observer, registry, showKeys, keyMasker, counterType, System::nanoTime);
	}

	/** With {@code ticker} in place of {@link System#nanoTime()}: tests decide when a window has passed. */
	DetectingMap(String name, Map<K, V> target, MapObserver observer, @Nullable GuardedMapRegistry registry,
			boolean showKeys, KeyMasker keyMasker, Class<? extends Number> counterType, LongSupplier ticker) {
		super(name, target, target.getClass(), counterType);
		this.ticker = ticker;
		this.target = target;
		this.observer = observer;
		this.observerFailures = new ObserverFailures(name, observer);
		this.operationSampler = observer.operationSampler();
		this.registry = registry;
		this.showKeys = showKeys;
		this.keyMasker = keyMasker;
		this.threadSafeTarget = MapKinds.isThreadSafe(target);
	}

	@Override
	public GuardMode mode() {
		return GuardMode.DETECT;
	}

	// ---- bookkeeping -------------------------------------------------------------------------

	private static Object stampKey(@Nullable Object key) {
		return (key != null) ? key : NULL_KEY;
	}

	private void observe(MapOperation operation, @Nullable Object key) {
		try {
			this.observer.operation(operation, key);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map
			this.observerFailures.failed("operation", operation, ex);
		}
	}

	/** Called after a read: remembers the key and the newest write stamp of it. */
	private void read(MapOperation operation, @Nullable Object key) {
		OperationSampler sampler = this.operationSampler;
		if (sampler != null && key != null) {
			sampler.record(operation, key);
		}
		else {
			observe(operation, key);
		}
		ReadRecord record = this.reads.get();
		record.key = stampKey(key);
		record.seen = this.stamps.get(record.key);
		record.nanos = this.ticker.getAsLong();
	}

	/**
	 * Called before a write: checks for overlapping writes, running iterations and (for
	 * unconditional writes) a lost update, then publishes the write's stamp.
	 */
	private Access beginWrite(MapOperation operation, Object key, boolean unconditional) {
		observe(operation, (key == NO_KEY) ? null : key);
		Thread me = Thread.currentThread();
		CallSite site = CallSite.capture();
		Access mine = new Access(me, site);
		if (!this.threadSafeTarget) {
			Access previous = this.activeWriter.getAndSet(mine);
			if (previous != null && previous.active && previous.thread != me) {
				report(RaceReport.Kind.CONCURRENT_WRITE, operation, key, site, previous.site, previous.threadName);
			}
			if (this.iterationCount.get() > 0) {
				long now = this.ticker.getAsLong();
				for (Iteration iteration : this.iterations) {
					if (!iteration.isRunning(now)) {
						endIteration(iteration); // abandoned before its end
					}
					else if (iteration.thread != me) {
						report(RaceReport.Kind.WRITE_DURING_ITERATION, operation, key, site, iteration.site,
								iteration.threadName);
					}
				}
			}
		}
		if (key != NO_KEY) {
			Object stampKey = stampKey(key);
			ReadRecord record = this.reads.get();
			if (unconditional && record.key != null && record.key.equals(stampKey)
					&& this.ticker.getAsLong() - record.nanos < LOST_UPDATE_WINDOW) {
				Stamp now = this.stamps.get(stampKey);
				if (now != null && now != record.seen && now.thread != me) {
					report(RaceReport.Kind.LOST_UPDATE, operation, key, site, now.site, now.threadName);
				}
			}
			record.key = null;
			record.seen = null;
			this.stamps.put(stampKey, new Stamp(me, site));
		}
		return mine;
	}

	private void endWrite(Access mine) {
		mine.active = false;
		if (!this.threadSafeTarget) {
			this.activeWriter.compareAndSet(mine, null);
		}
	}

	private void report(RaceReport.Kind kind, MapOperation operation, @Nullable Object key, CallSite site,
			CallSite otherSite, String otherThread) {
		if (this.registry != null) {
			this.registry.count(this.name);
		}
		try {
			this.observer.raceDetected(kind, operation);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map
			this.observerFailures.failed("race", operation, ex);
		}
		// the same race from the same pair of sites repeats thousands of times a second in a hot loop:
		// report it at most once per second, so the bounded lists keep distinct races
		long now = this.ticker.getAsLong();
		Long last = this.lastReported.get(new ReportKey(kind, site, otherSite));
		if (last != null && now - last < REPORT_INTERVAL) {
			return;
		}
		this.lastReported.put(new ReportKey(kind, site, otherSite), now);
		String maskedKey = (key == NO_KEY) ? "-" : (key == null) ? "null" : this.keyMasker.maskUnless(key, this.showKeys);
		RaceReport report = new RaceReport(this.name, kind, operation, maskedKey, site, otherSite,
				Thread.currentThread().getName(), otherThread, Instant.now());
		if (this.registry != null) {
			this.registry.record(report);
		}
		SafeMapEvents.race(this.name, GuardMode.DETECT, kind, operation, maskedKey, site, otherSite, otherThread);
		try {
			this.observer.race(report);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map
			this.observerFailures.failed("race", operation, ex);
		}
	}

	private Iteration beginIteration() {
		observe(ITERATE, null);
		Iteration iteration = new Iteration(Thread.currentThread(), CallSite.capture(), this.ticker.getAsLong());
		if (!this.threadSafeTarget) {
			this.iterations.add(iteration);
			this.iterationCount.incrementAndGet();
		}
		return iteration;
	}

	private void endIteration(Iteration iteration) {
		if (!iteration.done) {
			iteration.done = true;
			if (this.iterations.remove(iteration)) {
				this.iterationCount.decrementAndGet();
			}
		}
	}

	// ---- reads -------------------------------------------------------------------------------

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
		boolean result = this.target.containsKey(key);
		read(CONTAINS_KEY, key);
		return result;
	}

	@Override
	public boolean containsValue(Object value) {
		observe(CONTAINS_VALUE, null);
		return this.target.containsValue(value);
	}

	@Override
	public @Nullable V get(Object key) {
		V result = this.target.get(key);
		read(GET, key);
		return result;
	}

	@Override
	public @Nullable V getOrDefault(Object key, V defaultValue) {
		V result = this.target.getOrDefault(key, defaultValue);
		read(GET, key);
		return result;
	}

	// ---- writes ------------------------------------------------------------------------------

	@Override
	public @Nullable V put(K key, V value) {
		Access access = beginWrite(PUT, key, true);
		try {
			return this.target.put(key, value);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public void putAll(Map<? extends K, ? extends V> m) {
		for (Map.Entry<? extends K, ? extends V> entry : m.entrySet()) {
			Access access = beginWrite(PUT_ALL, entry.getKey(), false);
			try {
				this.target.put(entry.getKey(), entry.getValue());
			}
			finally {
				endWrite(access);
			}
		}
	}

	@Override
	public @Nullable V remove(Object key) {
		Access access = beginWrite(REMOVE, key, true);
		try {
			return this.target.remove(key);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public void clear() {
		Access access = beginWrite(CLEAR, NO_KEY, false);
		try {
			this.target.clear();
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		Access access = beginWrite(PUT_IF_ABSENT, key, false);
		try {
			return this.target.putIfAbsent(key, value);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public boolean remove(Object key, Object value) {
		Access access = beginWrite(REMOVE, key, false);
		try {
			return this.target.remove(key, value);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		Access access = beginWrite(REPLACE, key, false);
		try {
			return this.target.replace(key, oldValue, newValue);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V replace(K key, V value) {
		Access access = beginWrite(REPLACE, key, true);
		try {
			return this.target.replace(key, value);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		Access access = beginWrite(COMPUTE_IF_ABSENT, key, false);
		try {
			return this.target.computeIfAbsent(key, mappingFunction);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		Access access = beginWrite(COMPUTE_IF_PRESENT, key, false);
		try {
			return this.target.computeIfPresent(key, remappingFunction);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		Access access = beginWrite(COMPUTE, key, false);
		try {
			return this.target.compute(key, remappingFunction);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public @Nullable V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
		Access access = beginWrite(MERGE, key, false);
		try {
			return this.target.merge(key, value, remappingFunction);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public long add(K key, long delta) {
		Access access = beginWrite(INCREMENT, key, false);
		try {
			return Counters.add(this.target, key, delta, this.counterType, this.name);
		}
		finally {
			endWrite(access);
		}
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		Access access = beginWrite(REPLACE, NO_KEY, false);
		try {
			this.target.replaceAll(function);
		}
		finally {
			endWrite(access);
		}
	}

	// ---- iteration ---------------------------------------------------------------------------

	@Override
	public void forEach(BiConsumer<? super K, ? super V> action) {
		Iteration iteration = beginIteration();
		try {
			this.target.forEach(action);
		}
		finally {
			endIteration(iteration);
		}
	}

	@Override
	public Set<K> keySet() {
		return new AbstractSet<>() {
			@Override
			public Iterator<K> iterator() {
				return new TrackedIterator<>(DetectingMap.this.target.keySet().iterator(), (k) -> k);
			}

			@Override
			public int size() {
				return DetectingMap.this.size();
			}

			@Override
			public boolean contains(Object o) {
				return DetectingMap.this.target.containsKey(o);
			}

			@Override
			public boolean remove(Object o) {
				boolean present = DetectingMap.this.target.containsKey(o);
				DetectingMap.this.remove(o);
				return present;
			}

			@Override
			public void clear() {
				DetectingMap.this.clear();
			}
		};
	}

	@Override
	public Collection<V> values() {
		return new AbstractCollection<>() {
			@Override
			public Iterator<V> iterator() {
				return new TrackedIterator<>(DetectingMap.this.target.values().iterator(), (v) -> NO_KEY);
			}

			@Override
			public int size() {
				return DetectingMap.this.size();
			}

			@Override
			public void clear() {
				DetectingMap.this.clear();
			}
		};
	}

	@Override
	public Set<Map.Entry<K, V>> entrySet() {
		return new AbstractSet<>() {
			@Override
			public Iterator<Map.Entry<K, V>> iterator() {
				Iterator<Map.Entry<K, V>> entries = DetectingMap.this.target.entrySet().iterator();
				Iterator<Map.Entry<K, V>> watched = new Iterator<>() {
					@Override
					public boolean hasNext() {
						return entries.hasNext();
					}

					@Override
					public Map.Entry<K, V> next() {
						return new WatchedEntry(entries.next());
					}

					@Override
					public void remove() {
						entries.remove();
					}
				};
				return new TrackedIterator<>(watched, Map.Entry::getKey);
			}

			@Override
			public int size() {
				return DetectingMap.this.size();
			}

			@Override
			public boolean contains(Object o) {
				return DetectingMap.this.target.entrySet().contains(o);
			}

			@Override
			public void clear() {
				DetectingMap.this.clear();
			}
		};
	}

	/** An iterator that registers as a running iteration and reports writes through it. */
	private final class TrackedIterator<E> implements Iterator<E> {

		private final Iterator<E> delegate;

		private final Function<E, Object> keyOf;

		private final Iteration iteration;

		private @Nullable E last;

		TrackedIterator(Iterator<E> delegate, Function<E, Object> keyOf) {
			this.delegate = delegate;
			this.keyOf = keyOf;
			this.iteration = beginIteration();
		}

		@Override
		public boolean hasNext() {
			boolean result;
			try {
				result = this.delegate.hasNext();
			}
			catch (RuntimeException ex) {
				endIteration(this.iteration);
				throw ex;
			}
			if (result) {
				this.iteration.lastTouch = DetectingMap.this.ticker.getAsLong();
			}
			else {
				endIteration(this.iteration);
			}
			return result;
		}

		@Override
		public E next() {
			try {
				this.last = this.delegate.next();
			}
			catch (RuntimeException ex) {
				endIteration(this.iteration);
				throw ex;
			}
			this.iteration.lastTouch = DetectingMap.this.ticker.getAsLong();
			return this.last;
		}

		@Override
		public void remove() {
			Object key = (this.last != null) ? this.keyOf.apply(this.last) : NO_KEY;
			Access access = beginWrite(REMOVE, key, false);
			try {
				this.delegate.remove();
			}
			finally {
				endWrite(access);
			}
		}

	}

	/** An entry whose {@code setValue} is watched as a write. */
	private final class WatchedEntry implements Map.Entry<K, V> {

		private final Map.Entry<K, V> delegate;

		WatchedEntry(Map.Entry<K, V> delegate) {
			this.delegate = delegate;
		}

		@Override
		public K getKey() {
			return this.delegate.getKey();
		}

		@Override
		public V getValue() {
			return this.delegate.getValue();
		}

		@Override
		public V setValue(V value) {
			Access access = beginWrite(PUT, this.delegate.getKey(), false);
			try {
				return this.delegate.setValue(value);
			}
			finally {
				endWrite(access);
			}
		}

		@Override
		public boolean equals(Object o) {
			return this.delegate.equals(o);
		}

		@Override
		public int hashCode() {
			return this.delegate.hashCode();
		}

		@Override
		public String toString() {
			return this.delegate.toString();
		}

	}

	private record ReportKey(RaceReport.Kind kind, CallSite site, CallSite otherSite) {
	}

	/** The newest write of a key. */
	private static final class Stamp {

		final Thread thread;

		final String threadName;

		final CallSite site;

		Stamp(Thread thread, CallSite site) {
			this.thread = thread;
			this.threadName = thread.getName();
			this.site = site;
		}

	}

	/** A thread's most recent read of this map. Confined to its thread. */
	private static final class ReadRecord {

		@Nullable Object key;

		@Nullable Stamp seen;

		long nanos;

	}

	/** A write in progress. */
	private static final class Access {

		final Thread thread;

		final String threadName;

		final CallSite site;

		volatile boolean active = true;

		Access(Thread thread, CallSite site) {
			this.thread = thread;
			this.threadName = thread.getName();
			this.site = site;
		}

	}

	/** An iteration in progress. */
	private static final class Iteration {

		final Thread thread;

		final String threadName;

		final CallSite site;

		volatile long lastTouch;

		volatile boolean done;

		Iteration(Thread thread, CallSite site, long now) {
			this.lastTouch = now;
			this.thread = thread;
			this.threadName = thread.getName();
			this.site = site;
		}

		boolean isRunning(long now) {
			return !this.done && now - this.lastTouch < ITERATION_IDLE;
		}

	}

}
