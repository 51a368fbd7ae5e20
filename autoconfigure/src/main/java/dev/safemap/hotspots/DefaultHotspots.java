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

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;

/**
 * The default {@link Hotspots}: one {@link MapAccounting} per map name.
 * <p>
 * Thread-safe.
 */
final class DefaultHotspots implements Hotspots {

	private static final HotspotsListener[] NO_LISTENERS = {};

	private final HotspotsConfig config;

	private final ConcurrentSkipListMap<String, MapAccounting> maps = new ConcurrentSkipListMap<>();

	private final Object listenerLock = new Object();

	private final OperationCounters counters = new OperationCounters();

	// copy-on-write array: iterated on the contended path without allocating
	private volatile HotspotsListener[] listeners = NO_LISTENERS;

	// guarded by listenerLock
	private @Nullable ScheduledExecutorService drainer;

	// the drainer's thread, joined by close() so that no thread outlives it
	private volatile @Nullable Thread drainThread;

	// guarded by listenerLock
	private boolean closed;

	DefaultHotspots(HotspotsConfig config) {
		this.config = Objects.requireNonNull(config, "config must not be null");
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
				for (HotspotsListener listener : this.listeners) {
					notifyAdded(listener, accounting);
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

	HotspotsListener[] listeners() {
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
			HotspotsListener[] current = this.listeners;
			HotspotsListener[] updated = Arrays.copyOf(current, current.length + 1);
			updated[current.length] = listener;
			this.listeners = updated;
			for (MapAccounting accounting : this.maps.values()) {
				notifyAdded(listener, accounting);
			}
		}
	}

	private static void notifyAdded(HotspotsListener listener, MapAccounting accounting) {
		try {
			listener.mapAdded(accounting);
		}
		catch (RuntimeException ex) {
			// a listener that fails to register a map must not stop the map from being guarded
		}
	}

	/** For tests: the accounting of one map. */
	MapAccounting accounting(String mapName) {
		return Objects.requireNonNull(this.maps.get(mapName), mapName);
	}

}
