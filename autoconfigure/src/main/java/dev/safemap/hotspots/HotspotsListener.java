package dev.safemap.hotspots;

import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;

/**
 * Hears about observed maps and their rare events, for example to publish metrics.
 * <p>
 * Implementations must be thread-safe. {@link #contended} and {@link #race} are called on the
 * thread of the map operation: they must be quick and must not throw. A thrown exception never
 * reaches the map operation: that event is lost for this listener, and the listener's first failure
 * is logged at WARN, naming its class (later ones are not logged).
 *
 * @since 0.1.0
 */
public interface HotspotsListener {

	/**
	 * Called once for each observed map: for the maps that already exist when the listener is
	 * added, then for each new one.
	 * @param map the map's live counters
	 */
	default void mapAdded(MapStats map) {
	}

	/**
	 * Called for each contended operation.
	 * @param map the map
	 * @param operation the operation that waited
	 * @param waitNanos how long it waited, in nanoseconds
	 */
	default void contended(MapStats map, MapOperation operation, long waitNanos) {
	}

	/**
	 * Called for each race report of a map in detect mode.
	 * @param map the map
	 * @param report the report
	 */
	default void race(MapStats map, RaceReport report) {
	}

}
