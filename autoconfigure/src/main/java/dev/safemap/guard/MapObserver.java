package dev.safemap.guard;

import org.jspecify.annotations.Nullable;

/**
 * Receives what a guarded map observes about its own use: operations, contention and, in detect
 * mode, race reports. The contention-hotspots accounting implements it.
 * <p>
 * Thread-safety: implementations must be thread-safe. {@link #operation} and {@link #contended}
 * are called on the map's hot path: they must be cheap, should not allocate, and must never throw.
 * Should one throw anyway, the map operation goes on as if it had returned, and the first failure of
 * each map's observer is logged at WARN, naming the observer's class and the callback (later ones are
 * not logged).
 *
 * @since 0.1.0
 */
public interface MapObserver {

	/** An observer that ignores everything. */
	MapObserver NOOP = new MapObserver() {
	};

	/**
	 * Called for each operation on the map, except the keyed operations that an
	 * {@link #operationSampler()} counts instead.
	 * @param operation the operation
	 * @param key the key, or {@code null} for an operation without a single key (size, clear, ...)
	 */
	default void operation(MapOperation operation, Object key) {
	}

	/**
	 * A sampler that counts the map's keyed operations on the calling thread, sampled in time: reads
	 * ({@code get}, {@code getOrDefault}, {@code containsKey}) and, in guard mode, writes (detect mode
	 * reports its writes to {@link #operation}), so that such an
	 * operation does not call this observer at all. Called once, when the map is built.
	 * @return the sampler, or {@code null} (the default) to have every operation reported to
	 * {@link #operation}
	 */
	default @Nullable OperationSampler operationSampler() {
		return null;
	}

	/**
	 * Called, after the operation, when a watched write met another write in flight on its segment
	 * (the same key, or a key sharing the segment): {@code waitNanos} is how long the map made it
	 * wait, which is near zero when the other write was on a key the map did not make it wait for.
	 * Never called under a lock of the map's.
	 * @param operation the operation that waited
	 * @param key the key, or {@code null} for an operation without a single key
	 * @param segment the index of the segment (one of 64 stripes, by key hash) it met the other write on
	 * @param waitNanos how long it waited, in nanoseconds
	 */
	default void contended(MapOperation operation, Object key, int segment, long waitNanos) {
	}

	/**
	 * As {@link #contended(MapOperation, Object, int, long)}, for a meeting that stands for
	 * {@code weight} contended operations: a guarded map with an {@link #operationSampler()} watches
	 * only a random share of a hot stripe's writes outside the sampler's windows, and a meeting measured
	 * there stands for the ones not measured (weighted counts are estimates without bias). The default
	 * calls {@link #contended(MapOperation, Object, int, long)}, ignoring the weight.
	 * @param operation the operation that waited
	 * @param key the key, or {@code null} for an operation without a single key
	 * @param segment the index of the segment it met the other write on
	 * @param waitNanos how long it waited, in nanoseconds
	 * @param weight how many contended operations this one stands for, at least 1
	 * @since 0.1.0
	 */
	default void contended(MapOperation operation, Object key, int segment, long waitNanos, int weight) {
		contended(operation, key, segment, waitNanos);
	}

	/**
	 * Called for <em>every</em> unsafe use detect or watch mode finds, including the repeats that are not reported
	 * (they report a race of the same kind between the same two call sites at most once a second);
	 * {@link #race(RaceReport)} follows for those that are reported.
	 * @param kind the kind of race
	 * @param operation the operation that completed the race
	 * @since 0.1.0
	 */
	default void raceDetected(RaceReport.Kind kind, MapOperation operation) {
	}

	/**
	 * Called when detect or watch mode reports an unsafe use of the map (after {@link #raceDetected}; repeats of the
	 * same kind and pair of call sites within a second are detected but not reported).
	 * @param report the report
	 */
	default void race(RaceReport report) {
	}

}
