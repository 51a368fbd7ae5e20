package dev.safemap.guard;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

import static dev.safemap.guard.MapOperation.*;

/**
 * Watch mode: a guard-mode map (every guarantee of {@link GuardMode#GUARD}, including its observer
 * and contention accounting) that also samples for check-then-act lost updates
 * ({@code put(k, get(k) + 1)} racing another thread's write of {@code k}) and reports them as detect
 * mode does, with both call sites ({@link WatchTable} explains the bookkeeping and its fixed memory).
 * <p>
 * Reads are sampled in time: a {@link ReadWindow} (driven by {@link WatchWindows}, open
 * {@code 1/watch-sampling} of the time) tells the map when it opens and closes, and the map swaps the
 * object its keyed reads go through ({@link #reads}): while the window is closed, the guard-mode
 * map's contents (or the observed guard-mode map itself), so that a read runs guard mode's read plus
 * one volatile field load and no table work; while it is open, a view that reads them and then puts a
 * watch for every read. Every keyed write looks at its key's slot (one load) before it goes to the
 * guard-mode map.
 * Concurrent writes and writes during iteration cannot corrupt a guard-mode map and are not reported.
 * Writes through views, iterators and entries, {@code clear} and {@code replaceAll} are not watched.
 * Reports of the same pair of call sites are kept at most once per second per map (every one is
 * counted in the registry's {@code raceCount}). Thread-safe.
 */
@SuppressWarnings("NullAway")
final class WatchingMap<K, V> extends AbstractGuardedMap<K, V> {

	private static final long REPORT_INTERVAL = TimeUnit.SECONDS.toNanos(1);

	/** Distinct pairs of call sites remembered for rate limiting before the memory is reset. */
	private static final int MAX_REPORT_KEYS = 256;

	private final GuardedMap<K, V> guarded;

	private final WatchTable table;

	private final MapObserver observer;

	private final ObserverFailures observerFailures;

	private final @Nullable GuardedMapRegistry registry;

	private final boolean showKeys;

	private final KeyMasker keyMasker;

	private final LongSupplier ticker;

	private final Map<ReportKey, Long> lastReported = new ConcurrentHashMap<>();

	/** What keyed reads go through while the window is closed: the contents, or the observed guard-mode map. */
	private final ConcurrentMap<K, V> unwatchedReads;

	/** What keyed reads go through while the window is open: reads {@link #unwatchedReads}, then watches. */
	private final ConcurrentMap<K, V> watchedReads;

	/** {@link #unwatchedReads} or {@link #watchedReads}, swapped by the window. */
	private volatile ConcurrentMap<K, V> reads;

	/** Swaps {@link #reads}; held here, the window holds it weakly. */
	private final ReadWindow.Listener windowListener;

	/**
	 * @param guarded the guard-mode map
	 * @param window tells when reads are watched; {@code null}: the shared window of {@code sampling}
	 * ({@link WatchWindows})
	 * @param sampling reads are watched {@code 1/sampling} of the time (when {@code window} is null)
	 */
	WatchingMap(GuardedMap<K, V> guarded, @Nullable ReadWindow window, int sampling, MapObserver observer,
			@Nullable GuardedMapRegistry registry, boolean showKeys, KeyMasker keyMasker, LongSupplier ticker) {
		super(guarded.name(), guarded, guarded.originalType(), ((AbstractGuardedMap<K, V>) guarded).counterType);
		this.guarded = guarded;
		this.table = new WatchTable(ticker);
		this.unwatchedReads = (guarded instanceof FastGuardedMap<K, V> fast) ? fast.target() : guarded;
		this.watchedReads = new WatchedReads<>(this.unwatchedReads, this.table);
		this.reads = this.unwatchedReads;
		this.observer = observer;
		this.observerFailures = new ObserverFailures(guarded.name(), observer);
		this.registry = registry;
		this.showKeys = showKeys;
		this.keyMasker = keyMasker;
		this.ticker = ticker;
		this.windowListener = (opened) -> {
			if (opened) {
				this.table.opened();
				this.reads = this.watchedReads;
			}
			else {
				this.reads = this.unwatchedReads;
				this.table.closed();
			}
		};
		if (window != null) {
			window.attach(this.windowListener);
		}
		else {
			WatchWindows.SHARED.attach(sampling, this.windowListener);
		}
	}

	@Override
	public GuardMode mode() {
		return GuardMode.WATCH;
	}

	/** For tests: the table (its memory is measured). */
	WatchTable table() {
		return this.table;
	}

	private void write(MapOperation operation, @Nullable Object key, boolean unconditional) {
		if (key == null) {
			return; // the guarded map rejects it with its own message
		}
		WatchTable.Interloper lost = this.table.write(key, unconditional);
		if (lost != null) {
			report(operation, key, lost);
		}
	}

	private void report(MapOperation operation, Object key, WatchTable.Interloper other) {
		if (this.registry != null) {
			this.registry.count(this.name);
		}
		try {
			this.observer.raceDetected(RaceReport.Kind.LOST_UPDATE, operation);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map
			this.observerFailures.failed("race", operation, ex);
		}
		CallSite site = CallSite.capture();
		CallSite otherSite = other.site();
		long now = this.ticker.getAsLong();
		ReportKey reportKey = new ReportKey(site, otherSite);
		Long last = this.lastReported.get(reportKey);
		if (last != null && now - last < REPORT_INTERVAL) {
			return;
		}
		if (this.lastReported.size() >= MAX_REPORT_KEYS) {
			this.lastReported.clear();
		}
		this.lastReported.put(reportKey, now);
		String maskedKey = this.keyMasker.maskUnless(key, this.showKeys);
		RaceReport report = new RaceReport(this.name, RaceReport.Kind.LOST_UPDATE, operation, maskedKey, site,
				otherSite, Thread.currentThread().getName(), other.threadName(), Instant.now());
		if (this.registry != null) {
			this.registry.record(report);
		}
		SafeMapEvents.race(this.name, GuardMode.WATCH, RaceReport.Kind.LOST_UPDATE, operation, maskedKey, site,
				otherSite, other.threadName());
		try {
			this.observer.race(report);
		}
		catch (RuntimeException ex) {
			// an observer must never break the map
			this.observerFailures.failed("race", operation, ex);
		}
	}

	// ---- reads -------------------------------------------------------------------------------

	@Override
	public int size() {
		return this.guarded.size();
	}

	@Override
	public boolean isEmpty() {
		return this.guarded.isEmpty();
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
		return this.guarded.containsValue(value);
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

	// ---- writes: each looks at its key's slot before it changes the map ----------------------

	@Override
	public @Nullable V put(K key, V value) {
		write(PUT, key, true);
		return this.guarded.put(key, value);
	}

	@Override
	public void putAll(Map<? extends K, ? extends V> m) {
		for (K key : m.keySet()) {
			write(PUT_ALL, key, false);
		}
		this.guarded.putAll(m);
	}

	@Override
	public @Nullable V remove(Object key) {
		write(REMOVE, key, true);
		return this.guarded.remove(key);
	}

	@Override
	public void clear() {
		this.guarded.clear();
	}

	@Override
	public @Nullable V putIfAbsent(K key, V value) {
		write(PUT_IF_ABSENT, key, false);
		return this.guarded.putIfAbsent(key, value);
	}

	@Override
	public boolean remove(Object key, Object value) {
		write(REMOVE, key, false);
		return this.guarded.remove(key, value);
	}

	@Override
	public boolean replace(K key, V oldValue, V newValue) {
		write(REPLACE, key, false);
		return this.guarded.replace(key, oldValue, newValue);
	}

	@Override
	public @Nullable V replace(K key, V value) {
		write(REPLACE, key, true);
		return this.guarded.replace(key, value);
	}

	@Override
	public @Nullable V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
		write(COMPUTE_IF_ABSENT, key, false);
		return this.guarded.computeIfAbsent(key, mappingFunction);
	}

	@Override
	public @Nullable V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
		write(COMPUTE_IF_PRESENT, key, false);
		return this.guarded.computeIfPresent(key, remappingFunction);
	}

	@Override
	public @Nullable V compute(K key, BiFunction<? super K, ? super @Nullable V, ? extends V> remappingFunction) {
		write(COMPUTE, key, false);
		return this.guarded.compute(key, remappingFunction);
	}

	@Override
	public @Nullable V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
		write(MERGE, key, false);
		return this.guarded.merge(key, value, remappingFunction);
	}

	@Override
	public long add(K key, long delta) {
		write(INCREMENT, key, false);
		return this.guarded.add(key, delta);
	}

	@Override
	public void forEach(BiConsumer<? super K, ? super V> action) {
		this.guarded.forEach(action);
	}

	@Override
	public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
		this.guarded.replaceAll(function);
	}

	private record ReportKey(CallSite site, CallSite otherSite) {
	}

	/**
	 * The keyed reads of an open window: each reads the map, then puts a watch for its key. The
	 * other methods only delegate: the watching map never calls them here. Thread-safe.
	 */
	private static final class WatchedReads<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {

		private final ConcurrentMap<K, V> target;

		private final WatchTable table;

		WatchedReads(ConcurrentMap<K, V> target, WatchTable table) {
			this.target = target;
			this.table = table;
		}

		@Override
		public @Nullable V get(Object key) {
			V result = this.target.get(key);
			this.table.read(key);
			return result;
		}

		@Override
		public @Nullable V getOrDefault(Object key, V defaultValue) {
			V result = this.target.getOrDefault(key, defaultValue);
			this.table.read(key);
			return result;
		}

		@Override
		public boolean containsKey(Object key) {
			boolean result = this.target.containsKey(key);
			this.table.read(key);
			return result;
		}

		@Override
		public Set<Map.Entry<K, V>> entrySet() {
			return this.target.entrySet();
		}

		@Override
		public @Nullable V putIfAbsent(K key, V value) {
			return this.target.putIfAbsent(key, value);
		}

		@Override
		public boolean remove(Object key, Object value) {
			return this.target.remove(key, value);
		}

		@Override
		public boolean replace(K key, V oldValue, V newValue) {
			return this.target.replace(key, oldValue, newValue);
		}

		@Override
		public @Nullable V replace(K key, V value) {
			return this.target.replace(key, value);
		}

	}

}
