package dev.safemap.hotspots;

import java.util.List;
import java.util.Optional;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;

/**
 * The contention-hotspots accounting of every guarded map: a {@link MapObserverFactory} whose
 * observers count operations, contended operations and waits, track hot keys and contended call
 * sites in bounded memory, and keep the newest race reports; and the place to read and reset what
 * they saw.
 * <p>
 * {@snippet :
 * Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().topKeys(5).build());
 * MapObserver observer = hotspots.create("sessions", GuardMode.GUARD); // handed to the guarded map
 * observer.operation(MapOperation.GET, "alice");
 * HotspotReport report = hotspots.report("sessions", false).orElseThrow(); // keys masked
 * }
 * <p>
 * An accounting starts one daemon thread, {@code safemap-hotspots-drain}, when it observes its first
 * map; {@link #close()} stops it.
 * <p>
 * Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface Hotspots extends MapObserverFactory, AutoCloseable {

	/**
	 * Creates an accounting.
	 * @param config the settings
	 * @return a new accounting with no maps
	 * @throws NullPointerException if config is null
	 */
	static Hotspots create(HotspotsConfig config) {
		return new DefaultHotspots(config);
	}

	/**
	 * Returns the observer of a map, creating it the first time a name is seen; a later call
	 * with the same name returns the same observer (and keeps the first mode).
	 * @param mapName the map's name
	 * @param mode the map's mode
	 * @return the observer
	 * @throws NullPointerException if an argument is null
	 */
	@Override
	MapObserver create(String mapName, GuardMode mode);

	/** @return the names of the observed maps, sorted */
	List<String> mapNames();

	/**
	 * Returns the live counters of a map.
	 * @param mapName the map's name
	 * @return the counters, empty for an unknown name
	 */
	Optional<MapStats> stats(String mapName);

	/**
	 * Reports what the accounting saw of one map.
	 * @param mapName the map's name
	 * @param showKeys whether keys are shown as they are; masked otherwise
	 * @return the report, empty for an unknown name
	 */
	Optional<HotspotReport> report(String mapName, boolean showKeys);

	/**
	 * Reports every observed map, sorted by name.
	 * @param showKeys whether keys are shown as they are; masked otherwise
	 * @return the reports
	 */
	List<HotspotReport> reports(boolean showKeys);

	/**
	 * Starts one map's report afresh: counts, hot keys, call sites, waits and kept race reports.
	 * {@link MapStats} counters are not reset.
	 * @param mapName the map's name
	 * @return whether the map is known
	 */
	boolean reset(String mapName);

	/** Starts every map's report afresh, like {@link #reset(String)}. */
	void resetAll();

	/**
	 * Adds a listener; it hears {@link HotspotsListener#mapAdded} for each map observed so far
	 * before this method returns.
	 * @param listener the listener
	 * @throws NullPointerException if listener is null
	 */
	void addListener(HotspotsListener listener);

	/**
	 * Stops the drain thread. The observers keep counting; reports keep working (they drain
	 * themselves). Idempotent.
	 */
	@Override
	void close();

}
