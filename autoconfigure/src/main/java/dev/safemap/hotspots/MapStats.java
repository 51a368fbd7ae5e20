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
	 * Returns the number of races of one kind detect mode found: every one, including the repeats it did not
	 * report (see {@link #reportedRaces(RaceReport.Kind)}).
	 * @param kind the kind
	 * @return the count
	 */
	long races(RaceReport.Kind kind);

	/**
	 * Returns the number of race reports of one kind: detect mode reports a race of the same kind between the
	 * same two call sites at most once a second, so this is at most {@link #races(RaceReport.Kind)}.
	 * @param kind the kind
	 * @return the count
	 * @since 0.1.0
	 */
	long reportedRaces(RaceReport.Kind kind);

	/**
	 * Returns a quantile of the wait of the contended operations since the accounting's last reset (or its
	 * creation), from the same quantiles sketch (KLL, about 1.3% rank error) as
	 * {@link HotspotReport#waitP99Nanos()}: the endpoint and the meters publish one estimate, not two.
	 * @param rank the rank, from 0 to 1 (0.99 for the 99th percentile)
	 * @return the wait at that rank, in nanoseconds; 0 when no operation waited
	 * @since 0.1.0
	 */
	long waitQuantileNanos(double rank);

}
