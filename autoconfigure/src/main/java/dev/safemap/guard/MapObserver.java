package dev.safemap.guard;

/**
 * Receives what a guarded map observes about its own use: operations, contention and, in detect
 * mode, race reports. The contention-hotspots accounting implements it.
 * <p>
 * Thread-safety: implementations must be thread-safe. {@link #operation} and {@link #contended}
 * are called on the map's hot path: they must be cheap, should not allocate, and must never throw.
 *
 * @since 0.1.0
 */
public interface MapObserver {

	/** An observer that ignores everything. */
	MapObserver NOOP = new MapObserver() {
	};

	/**
	 * Called for each write on the map, and for each sampled read (see {@link #readWeight()}).
	 * @param operation the operation
	 * @param key the key, or {@code null} for an operation without a single key (size, clear, ...)
	 */
	default void operation(MapOperation operation, Object key) {
	}

	/**
	 * How many reads one reported read stands for. A guarded map reports writes one by one, but reads
	 * ({@link MapOperation#isWrite()} false) only one in {@code readWeight()}, drawn at random on the
	 * reading thread, so that an observer that counts reads costs a lock-free read one random draw
	 * instead of a call; the observer weighs each reported read accordingly. Called once, when the
	 * map is built.
	 * @return 1 (the default) to have every read reported, or more
	 */
	default int readWeight() {
		return 1;
	}

	/**
	 * Called when an operation had to wait for another thread working on the same key or segment.
	 * @param operation the operation that waited
	 * @param key the key, or {@code null} for an operation without a single key
	 * @param segment the index of the segment (lock stripe) it waited on
	 * @param waitNanos how long it waited, in nanoseconds
	 */
	default void contended(MapOperation operation, Object key, int segment, long waitNanos) {
	}

	/**
	 * Called when detect mode finds an unsafe use of the map.
	 * @param report the report
	 */
	default void race(RaceReport report) {
	}

}
