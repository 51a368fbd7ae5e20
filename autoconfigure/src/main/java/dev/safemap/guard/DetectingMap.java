package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * the active writer for the whole of its call; a write that finds another thread's write still active
 * is reported with both call sites (the other writer captures its own when it ends).</li>
 * <li><b>Writes during an iteration</b> (maps that are not thread-safe only): iterators, views and
 * {@code forEach} register while they run; a write by another thread meanwhile is reported. An
 * iterator that is abandoned before its end stops counting after {@value #ITERATION_IDLE_MILLIS} ms
 * without a call.</li>
 * <li><b>Check-then-act lost updates</b> (every map, {@code ConcurrentHashMap} too): each write of a
 * key publishes a stamp (thread) in a {@link StampTable} <em>before</em> changing the map; each read
 * publishes itself as its thread's pending read (the key's hash) and remembers, per thread, the key and
 * the slot's stamp it saw <em>after</em> reading.
 * When a thread then writes that key unconditionally ({@code put}, {@code remove(key)},
 * {@code replace(key, value)}) within {@value #LOST_UPDATE_WINDOW_MILLIS} ms and the key's stamp now
 * belongs to another thread's newer write, the other thread's write was lost: reported with both
 * writers' call sites. Atomic operations ({@code compute}, {@code merge}, {@code putIfAbsent},
 * conditional {@code remove}/{@code replace}, the counter helper) are the fix and never reported as
 * such. The stamp table has a fixed number of slots: a lost update can be missed when another key of
 * the same slot is written between the other thread's write and the final write, never invented.</li>
 * </ul>
 * Reports of the same kind and pair of call sites are rate-limited to one per second per map (every
 * occurrence is still counted in the registry's {@code raceCount}).
 * Correctly synchronized use raises nothing: under one lock no other write can fall between a read
 * and a write, no two writes overlap, and an iteration finishes before the next write. A call site is
 * captured with a {@link StackWalker} (a few microseconds) only when a report can need it: by a write
 * that completes a race, by a write that another write raced with (when it ends), by a write of a key
 * that another thread's pending read (its latest read, not followed by a write of its own) is of, within
 * the window, and by an iteration of a map that is not thread-safe. Memory is fixed per map whatever the
 * number of keys: the stamp table (with {@value StampTable#CELLS} reader cells; threads beyond them share
 * one, for which a write of a slot they read lately captures whatever the key), one read record per
 * thread, the running iterations and at most 256 rate-limited pairs of sites.
 * Thread-safety: the bookkeeping is thread-safe and lock-free; the map is as thread-safe as the original.
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

	/** Distinct pairs of call sites remembered for rate limiting before that memory is reset. */
	private static final int MAX_REPORT_KEYS = 256;

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

	private final StampTable stamps = new StampTable();

	private final ThreadLocal<ReadRecord> reads = ThreadLocal.withInitial(ReadRecord::new);

	/** The thread that holds each reader cell of {@link #stamps}, or {@code null} (weakly: a thread that ended frees its cell). */
	private final AtomicReferenceArray<@Nullable WeakReference<Thread>> cellOwners = new AtomicReferenceArray<>(
			StampTable.CELLS);

	private final AtomicReference<@Nullable Access> activeWriter = new AtomicReference<>();

	private final Set<Iteration> iterations = ConcurrentHashMap.newKeySet();

	private final AtomicInteger iterationCount = new AtomicInteger();

	private final Map<ReportKey, Long> lastReported = new ConcurrentHashMap<>();

	/** Call sites this map captured (each a {@link StackWalker} walk): for tests of when a capture happens. */
	private final AtomicLong sitesCaptured = new AtomicLong();

	/** Lost updates and concurrent writes whose two call sites both arrived (before rate limiting): for tests. */
	private final AtomicLong racesCompleted = new AtomicLong();

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

	/** @return how many call sites this map has captured so far (a test hook) */
	long sitesCaptured() {
		return this.sitesCaptured.get();
	}

	/** @return how many races found so far have both call sites (a test hook) */
	long racesCompleted() {
		return this.racesCompleted.get();
	}

	private CallSite capture() {
		this.sitesCaptured.incrementAndGet();
		return CallSite.capture();
	}

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

	/** Called after a read: makes it the thread's pending read, then remembers the key and its newest write stamp. */
	private void read(MapOperation operation, @Nullable Object key) {
		OperationSampler sampler = this.operationSampler;
		if (sampler != null && key != null) {
			sampler.record(operation, key);
		}
		else {
			observe(operation, key);
		}
		Object stampKey = stampKey(key);
		long now = this.ticker.getAsLong();
		ReadRecord record = this.reads.get();
		if (record.cell == StampTable.NO_CELL) {
			record.cell = claimCell();
		}
		record.key = stampKey;
		record.seen = this.stamps.read(StampTable.hash(stampKey), record.cell, StampTable.epoch(now));
		record.nanos = now;
	}

	/**
	 * A thread's first read of this map: takes a free reader cell, or the cell of a thread that has
	 * ended, or else shares {@link StampTable#OVERFLOW} (for the rest of its life).
	 */
	private int claimCell() {
		Thread me = Thread.currentThread();
		for (int cell = 0; cell < StampTable.CELLS; cell++) {
			WeakReference<Thread> owner = this.cellOwners.get(cell);
			Thread thread = (owner != null) ? owner.get() : null;
			if ((thread == null || !thread.isAlive()) && this.cellOwners.compareAndSet(cell, owner, new WeakReference<>(me))) {
				return cell;
			}
		}
		return StampTable.OVERFLOW;
	}

	/**
	 * Called at the start of a write: publishes the write as active (maps that are not thread-safe) and
	 * checks it against another thread's active write, running iterations and (for unconditional writes)
	 * a lost update, then publishes the write's stamp. The write's own call site is captured only when a
	 * report needs it: a race found now, or another thread's pending read of the key (a later
	 * lost-update report may name this write).
	 * @return the active write to pass to {@link #endWrite}, or {@code null} for a thread-safe map
	 */
	private @Nullable Access beginWrite(MapOperation operation, Object key, boolean unconditional) {
		Thread me = Thread.currentThread();
		Access mine = null;
		CallSite site = null;
		if (!this.threadSafeTarget) {
			// active for the whole call: any two calls that overlap in time are unsynchronized
			mine = new Access(me);
			Access previous = this.activeWriter.getAndSet(mine);
			if (previous != null && previous.thread != me) {
				site = concurrentWrite(previous, operation, key, me);
			}
		}
		observe(operation, (key == NO_KEY) ? null : key);
		if (!this.threadSafeTarget && this.iterationCount.get() > 0) {
			long now = this.ticker.getAsLong();
			for (Iteration iteration : this.iterations) {
				if (!iteration.isRunning(now)) {
					endIteration(iteration); // abandoned before its end
				}
				else if (iteration.thread != me) {
					site = (site != null) ? site : capture();
					count(RaceReport.Kind.WRITE_DURING_ITERATION, operation);
					publish(RaceReport.Kind.WRITE_DURING_ITERATION, operation, key, site, iteration.site,
							me.getName(), iteration.threadName);
				}
			}
		}
		if (key != NO_KEY) {
			Object stampKey = stampKey(key);
			int hash = StampTable.hash(stampKey);
			long now = this.ticker.getAsLong();
			ReadRecord record = this.reads.get();
			if (unconditional && record.key != null && record.key.equals(stampKey)
					&& now - record.nanos < LOST_UPDATE_WINDOW) {
				StampTable.Stamp other = this.stamps.current(stampKey, hash);
				if (other != null && other != record.seen && other.threadId != me.getId()) {
					site = (site != null) ? site : capture();
					count(RaceReport.Kind.LOST_UPDATE, operation);
					Report report = new Report(RaceReport.Kind.LOST_UPDATE, operation, key, me.getName(),
							other.threadName);
					report.site(site);
					other.whenSite(report); // the other writer saw this thread's pending read: it captures its site
				}
			}
			record.key = null;
			record.seen = null;
			this.stamps.consumed(record.cell);
			StampTable.Stamp stamp = new StampTable.Stamp(stampKey, hash, me);
			this.stamps.publish(stamp);
			if (this.stamps.readLatelyByOther(hash, record.cell, StampTable.epoch(now))) {
				stamp.site((site != null) ? site : capture());
			}
		}
		return mine;
	}

	/**
	 * Another thread's write was active when this one started: registers the conflict with it (the
	 * other writer gives its call site when its write ends, so its site is captured only now that a
	 * report needs it). Nothing is reported if the other write already ended.
	 * @return this write's call site, or {@code null} if the other write had ended
	 */
	private @Nullable CallSite concurrentWrite(Access previous, MapOperation operation, Object key, Thread me) {
		Report report = new Report(RaceReport.Kind.CONCURRENT_WRITE, operation, key, me.getName(),
				previous.threadName);
		if (!previous.conflict(report)) {
			return null;
		}
		count(RaceReport.Kind.CONCURRENT_WRITE, operation);
		CallSite site = capture();
		report.site(site);
		return site;
	}

	private void endWrite(@Nullable Access mine) {
		if (mine != null) {
			StampTable.PendingReport conflicts = mine.end();
			if (conflicts != null) {
				conflicts.otherSite(capture());
			}
			this.activeWriter.compareAndSet(mine, null);
		}
	}

	/** Counts a race found (every occurrence, reported or not). */
	private void count(RaceReport.Kind kind, MapOperation operation) {
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
	}

	/** Reports a race counted before, once both call sites are known (on either thread). */
	private void publish(RaceReport.Kind kind, MapOperation operation, @Nullable Object key, CallSite site,
			CallSite otherSite, String thread, String otherThread) {
		// the same race from the same pair of sites repeats thousands of times a second in a hot loop:
		// report it at most once per second, so the bounded lists keep distinct races
		long now = this.ticker.getAsLong();
		ReportKey reportKey = new ReportKey(kind, site, otherSite);
		Long last = this.lastReported.get(reportKey);
		if (last != null && now - last < REPORT_INTERVAL) {
			return;
		}
		if (this.lastReported.size() >= MAX_REPORT_KEYS) {
			this.lastReported.clear(); // bounded: at worst a pair is reported again within its second
		}
		this.lastReported.put(reportKey, now);
		String maskedKey = (key == NO_KEY) ? "-" : (key == null) ? "null" : this.keyMasker.maskUnless(key, this.showKeys);
		RaceReport report = new RaceReport(this.name, kind, operation, maskedKey, site, otherSite, thread,
				otherThread, Instant.now());
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
		// only a map that is not thread-safe reports writes during an iteration: only its iterations need a site
		Iteration iteration = new Iteration(Thread.currentThread(),
				this.threadSafeTarget ? CallSite.UNKNOWN : capture(), this.ticker.getAsLong());
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

	/** A race waiting for its second call site; published by whichever side gives its site last. */
	private final class Report extends StampTable.PendingReport {

		private final RaceReport.Kind kind;

		private final MapOperation operation;

		private final @Nullable Object key;

		private final String thread;

		private final String otherThread;

		Report(RaceReport.Kind kind, MapOperation operation, @Nullable Object key, String thread, String otherThread) {
			this.kind = kind;
			this.operation = operation;
			this.key = key;
			this.thread = thread;
			this.otherThread = otherThread;
		}

		@Override
		void publish(CallSite site, CallSite otherSite) {
			DetectingMap.this.racesCompleted.incrementAndGet();
			DetectingMap.this.publish(this.kind, this.operation, this.key, site, otherSite, this.thread,
					this.otherThread);
		}

	}

	/** A thread's most recent read of this map. Confined to its thread. */
	private static final class ReadRecord {

		/** This thread's reader cell in the stamp table, taken on its first read. */
		int cell = StampTable.NO_CELL;

		@Nullable Object key;

		StampTable.@Nullable Stamp seen;

		long nanos;

	}

	/**
	 * A write in progress on a map that is not thread-safe. A write that starts while this one is
	 * active registers a conflict here; this write gives its call site to the conflicts when it ends.
	 */
	private static final class Access {

		private static final VarHandle PENDING;

		static {
			try {
				PENDING = MethodHandles.lookup().findVarHandle(Access.class, "pending", Object.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private static final Object ENDED = new Object();

		final Thread thread;

		final String threadName;

		/** {@code null}, the conflicts registered (a chain of reports), or {@link #ENDED}. */
		@SuppressWarnings("unused")
		private volatile @Nullable Object pending;

		Access(Thread thread) {
			this.thread = thread;
			this.threadName = thread.getName();
		}

		/** @return whether the conflict was registered: false if this write had ended */
		boolean conflict(StampTable.PendingReport report) {
			Object current = PENDING.getAcquire(this);
			while (current != ENDED) {
				report.next = (StampTable.PendingReport) current;
				Object witness = PENDING.compareAndExchange(this, current, report);
				if (witness == current) {
					return true;
				}
				current = witness;
			}
			return false;
		}

		/** Ends this write. @return the conflicts registered while it was active, or {@code null} */
		StampTable.@Nullable PendingReport end() {
			if (PENDING.getAcquire(this) == null && PENDING.compareAndSet(this, null, ENDED)) {
				return null;
			}
			return (StampTable.PendingReport) PENDING.getAndSet(this, ENDED);
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
