package dev.safemap.guard;

/**
 * Creates the {@link MapObserver} of each guarded map, by map name.
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MapObserverFactory {

	/** A factory that observes nothing. */
	MapObserverFactory NOOP = (name, mode) -> MapObserver.NOOP;

	/**
	 * Returns the observer for a map.
	 * @param mapName the map's name (its bean name)
	 * @param mode the map's mode
	 * @return the observer, never null
	 */
	MapObserver create(String mapName, GuardMode mode);

}
