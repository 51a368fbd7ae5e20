package dev.safemap.hotspots;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;

/**
 * Live counters of one observed map since it was created. They only ever grow: a
 * {@link Hotspots#reset(String) reset} changes what reports show, not these counters, so metrics
 * built on them stay monotonic.
 * <p>
 * Implementations are thread-safe; each read is a moment's sum and may miss operations in flight.
 *
 * @since 0.1.0
 */
public interface MapStats {

	/** @return the map's name (its bean name) */
	String mapName();

	/** @return the map's mode */
	GuardMode mode();

	/**
	 * Returns the number of operations of one kind.
	 * @param operation the kind
	 * @return the count
	 */
	long operations(MapOperation operation);

	/** @return the number of operations of every kind */
	long operations();

	/** @return the number of operations that waited for another thread */
	long contended();

	/** @return the total time contended operations waited, in nanoseconds */
	long waitNanos();

	/**
	 * Returns the number of race reports of one kind.
	 * @param kind the kind
	 * @return the count
	 */
	long races(RaceReport.Kind kind);

}
