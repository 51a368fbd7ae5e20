package dev.safemap.hotspots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.ReadWindow;
import dev.safemap.guard.WindowCycle;

/**
 * The default {@link Hotspots}: one {@link MapAccounting} per map name, and one background thread,
 * {@code safemap-hotspots-drain}, started with the first map, that drains the maps' key samples and
 * drives the read window: when keyed operations are sampled, each period of {@code window / sampleRate} it
 * opens the shared {@link ReadWindow} for {@value #READ_WINDOW_MILLIS} ms at a uniformly random
 * moment, and at the period's end has every map add what it counted, scaled by the measured length
 * of the period over that of the window. It drives the hot window the same way ({@value #HOT_WINDOW_MILLIS} ms
 * in every {@value #HOT_PERIOD_MILLIS}: {@link #hotWindowCycle}), during which the writes of hot stripes
 * are watched. Three steps per period each, and a drain every 100 ms: about 150 wake-ups a second of the one
 * thread while keyed operations are sampled (4 ms windows rather than 1 ms ones keep that down at the same share).
 * <p>
 * <b>A starved drain thread:</b> on a machine whose CPUs are busy the drain thread may run long after
 * the moment drawn for a window. Estimates stay unbiased (each period is scaled by its measured
 * lengths), but contention would go unseen, since writes are watched only in windows and on stripes
 * already found contended. So a window that opens more than a whole period late is counted
 * ({@link #lateWindows()}), logged (WARN the first time, DEBUG after), and makes every stripe of every
 * map hot for the next {@code OperationSampler.HOT_PERIODS} periods (watched in the hot windows): a busy machine, the likeliest
 * place for contention, gets more measurement, not less.
 * <p>
 * Thread-safe.
 */
final class DefaultHotspots implements Hotspots {

	private static final Logger logger = LoggerFactory.getLogger(Hotspots.class);

	private static final GuardedListener[] NO_LISTENERS = {};

	/** How long the read window stays open each period. */
	static final long READ_WINDOW_MILLIS = 1;

	/** How long the hot window stays open each of its periods. */
	static final long HOT_WINDOW_MILLIS = 4;

	/**
	 * The hot window's period: a hot stripe's writes are watched 1/8 of the time, a meeting measured
	 * then counting about 8 (the measured period over the open time).
	 */
	static final long HOT_PERIOD_MILLIS = 32;

	private final ReadWindow readWindow = new ReadWindow();

	/**
	 * While it is open, the writes of hot stripes (where writes of one key met lately) are watched
	 * outside the read window: {@value #HOT_WINDOW_MILLIS} ms in every {@value #HOT_PERIOD_MILLIS}.
	 */
	private final ReadWindow hotWindow = new ReadWindow();

	/** Whether the drain thread drives the read window (tests drive it themselves). */
	private final boolean driveReadWindow;

	private final HotspotsConfig config;

	private final ConcurrentSkipListMap<String, MapAccounting> maps = new ConcurrentSkipListMap<>();

	private final Object listenerLock = new Object();

	private final OperationCounters counters = new OperationCounters();

	// copy-on-write array: iterated on the contended path without allocating
	private volatile GuardedListener[] listeners = NO_LISTENERS;

	// guarded by listenerLock
	private @Nullable ScheduledExecutorService drainer;

	// the drainer's thread, joined by close() so that no thread outlives it
	private volatile @Nullable Thread drainThread;

	// guarded by listenerLock
	private boolean closed;

	private volatile boolean drainFailureLogged;

	private final java.util.concurrent.atomic.LongAdder lateWindows = new java.util.concurrent.atomic.LongAdder();

	private volatile boolean lateWindowLogged;

	DefaultHotspots(HotspotsConfig config) {
		this(config, true);
	}

	/** For tests: with {@code driveReadWindow} false, the test opens, closes and harvests the window. */
	DefaultHotspots(HotspotsConfig config, boolean driveReadWindow) {
		this.config = Objects.requireNonNull(config, "config must not be null");
		this.driveReadWindow = driveReadWindow;
		// its nominal share until its first period ends and measures it: a meeting in the first hot window
		// must not count as 1
		this.hotWindow.weigh((double) HOT_PERIOD_MILLIS / HOT_WINDOW_MILLIS);
	}

	ReadWindow readWindow() {
		return this.readWindow;
	}

	ReadWindow hotWindow() {
		return this.hotWindow;
	}

	@Override
	public MapObserver create(String mapName, GuardMode mode) {
		Objects.requireNonNull(mapName, "mapName must not be null");
		Objects.requireNonNull(mode, "mode must not be null");
		MapAccounting existing = this.maps.get(mapName);
		if (existing != null) {
			return existing;
		}
		// create and announce under the listener lock so that addListener never misses nor repeats a map
		synchronized (this.listenerLock) {
			MapAccounting accounting = this.maps.get(mapName);
			if (accounting == null) {
				accounting = new MapAccounting(mapName, mode, this, this.config, this.counters, this.maps.size());
				this.maps.put(mapName, accounting);
				startDrainer();
				for (GuardedListener listener : this.listeners) {
					listener.mapAdded(accounting);
				}
			}
			return accounting;
		}
	}

	private void startDrainer() {
		if (this.drainer != null || this.closed) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "safemap-hotspots-drain");
			thread.setDaemon(true);
			this.drainThread = thread;
			return thread;
		});
		long interval = this.config.drainInterval().toNanos();
		executor.scheduleWithFixedDelay(this::drainAll, interval, interval, TimeUnit.NANOSECONDS);
		this.drainer = executor;
		if (this.driveReadWindow && this.config.sampleRate() < 1.0) {
			WindowCycle.Timer timer = WindowCycle.Timer.of(executor);
			new ReadWindowCycle(timer).start();
			hotWindowCycle(timer).start();
		}
	}

	/**
	 * Adds every map's keyed operations counted in the last window, scaled, and drains the keys sampled in it;
	 * package-private for tests.
	 */
	void harvest(double scale) {
		for (MapAccounting accounting : this.maps.values()) {
			try {
				accounting.harvest(scale);
				accounting.drain();
			}
			catch (RuntimeException ex) {
				// keep harvesting the other maps, and keep the cycle alive
				drainFailed(accounting, ex);
			}
		}
	}

	/**
	 * A window opened {@code lateNanos} after the moment drawn for it, more than a whole period: the
	 * drain thread was starved. Counts it, logs it, and makes every stripe of every map hot until they
	 * cool down (see the class comment); package-private for tests.
	 */
	void windowOpenedLate(long lateNanos) {
		this.lateWindows.increment();
		for (MapAccounting accounting : this.maps.values()) {
			accounting.watchAll();
		}
		if (!this.lateWindowLogged) {
			this.lateWindowLogged = true;
			logger.warn("SafeMap hotspots: a read window opened {} ms late: the drain thread is starved of CPU."
					+ " Every stripe of every guarded map is watched for contention for the next periods, so that"
					+ " contention on this busy machine is measured rather than missed; read counts stay estimates."
					+ " Further late windows are logged at DEBUG.", TimeUnit.NANOSECONDS.toMillis(lateNanos));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("SafeMap hotspots: a read window opened {} ms late", TimeUnit.NANOSECONDS.toMillis(lateNanos));
		}
	}

	/** @return how many read windows opened more than a whole period late (a starved drain thread) */
	long lateWindows() {
		return this.lateWindows.sum();
	}

	/** For tests: a read window cycle on the given timer (a virtual clock); call {@code start()} on it. */
	ReadWindowCycle readWindowCycle(WindowCycle.Timer timer) {
		return new ReadWindowCycle(timer);
	}

	/**
	 * The hot window's cycle ({@link WindowCycle}: {@value #HOT_WINDOW_MILLIS} ms at a random moment of
	 * every {@value #HOT_PERIOD_MILLIS} ms); at each period's end the window is weighed with the measured
	 * period over its open time, so that a meeting measured in it stands for the ones not measured.
	 * Package-private for tests.
	 */
	WindowCycle hotWindowCycle(WindowCycle.Timer timer) {
		ReadWindow window = this.hotWindow;
		return new WindowCycle(window, timer, TimeUnit.MILLISECONDS.toNanos(HOT_WINDOW_MILLIS),
				TimeUnit.MILLISECONDS.toNanos(HOT_PERIOD_MILLIS), new WindowCycle.Hooks() {

					@Override
					public void periodEnded(long periodNanos, long openNanos) {
						window.weigh((double) periodNanos / Math.max(1, openNanos));
					}

				});
	}

	/**
	 * One period after another ({@link WindowCycle}): wait for a random moment, open the window, close
	 * it {@value #READ_WINDOW_MILLIS} ms later, wait for the period's end, harvest. Closing the timer
	 * ({@code shutdownNow}) ends the cycle. A window that opens more than a period after its moment is
	 * reported to {@link #windowOpenedLate(long)}.
	 */
	final class ReadWindowCycle implements WindowCycle.Hooks {

		private final WindowCycle cycle;

		ReadWindowCycle(WindowCycle.Timer timer) {
			long windowNanos = TimeUnit.MILLISECONDS.toNanos(READ_WINDOW_MILLIS);
			long periodNanos = Math.round(windowNanos / DefaultHotspots.this.config.sampleRate());
			this.cycle = new WindowCycle(DefaultHotspots.this.readWindow, timer, windowNanos, periodNanos, this);
		}

		void start() {
			this.cycle.start();
		}

		@Override
		public void openedLate(long lateNanos) {
			windowOpenedLate(lateNanos);
		}

		@Override
		public void periodEnded(long periodNanos, long openNanos) {
			harvest((double) periodNanos / Math.max(1, openNanos));
		}

	}

	/** Logs the first failure of the drain thread at WARN (keys' own failures are caught before this). */
	private void drainFailed(MapAccounting accounting, RuntimeException ex) {
		if (!this.drainFailureLogged) {
			this.drainFailureLogged = true;
			logger.warn("SafeMap hotspots: draining the samples of map '{}' failed; the other maps and the schedule"
					+ " go on. Further failures are not logged.", accounting.mapName(), ex);
		}
	}

	/** Drains every map's sample buffer; package-private for tests. */
	void drainAll() {
		this.counters.expunge();
		for (MapAccounting accounting : this.maps.values()) {
			try {
				accounting.drain();
			}
			catch (RuntimeException ex) {
				// keep draining the other maps, and keep the schedule alive
				drainFailed(accounting, ex);
			}
		}
	}

	@Override
	public void close() {
		ScheduledExecutorService executor;
		synchronized (this.listenerLock) {
			this.closed = true;
			executor = this.drainer;
			this.drainer = null;
		}
		if (executor != null) {
			executor.shutdownNow();
			// a cycle stopped between opening and closing the window must not leave reads counting
			this.readWindow.close();
			this.hotWindow.close();
			try {
				// the executor reports termination while its worker thread is still exiting: join the thread too
				executor.awaitTermination(5, TimeUnit.SECONDS);
				Thread thread = this.drainThread;
				if (thread != null) {
					thread.join(TimeUnit.SECONDS.toMillis(5));
					this.drainThread = null;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	GuardedListener[] listeners() {
		return this.listeners;
	}

	@Override
	public List<String> mapNames() {
		return List.copyOf(this.maps.keySet());
	}

	@Override
	public Optional<MapStats> stats(String mapName) {
		return Optional.ofNullable(this.maps.get(mapName));
	}

	@Override
	public Optional<HotspotReport> report(String mapName, boolean showKeys) {
		MapAccounting accounting = this.maps.get(mapName);
		this.counters.expunge();
		return (accounting != null) ? Optional.of(accounting.report(showKeys)) : Optional.empty();
	}

	@Override
	public List<HotspotReport> reports(boolean showKeys) {
		List<HotspotReport> reports = new ArrayList<>(this.maps.size());
		this.counters.expunge();
		for (MapAccounting accounting : this.maps.values()) {
			reports.add(accounting.report(showKeys));
		}
		return reports;
	}

	@Override
	public boolean reset(String mapName) {
		MapAccounting accounting = this.maps.get(mapName);
		if (accounting == null) {
			return false;
		}
		accounting.reset();
		return true;
	}

	@Override
	public void resetAll() {
		this.maps.values().forEach(MapAccounting::reset);
	}

	@Override
	public void addListener(HotspotsListener listener) {
		Objects.requireNonNull(listener, "listener must not be null");
		synchronized (this.listenerLock) {
			GuardedListener guarded = new GuardedListener(listener);
			GuardedListener[] current = this.listeners;
			GuardedListener[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = guarded;
			this.listeners = updated;
			for (MapAccounting accounting : this.maps.values()) {
				guarded.mapAdded(accounting);
			}
		}
	}

	/** For tests: the accounting of one map. */
	MapAccounting accounting(String mapName) {
		return Objects.requireNonNull(this.maps.get(mapName), mapName);
	}

}
