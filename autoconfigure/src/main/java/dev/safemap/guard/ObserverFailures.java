package dev.safemap.guard;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a guarded map does when its {@link MapObserver} throws: the map's operation goes on (an
 * observer must never break the map), and the first failure is logged at WARN, naming the map, the
 * observer's class and the callback; later failures of the same map's observer are not logged, so
 * that a broken observer cannot flood the log from the hot path. One per map: the maps call
 * {@link #failed} only from their {@code catch} blocks, so nothing here runs while the observer
 * behaves.
 * <p>
 * Thread-safe: two first failures racing may both be logged, nothing worse.
 */
final class ObserverFailures {

	private static final Logger logger = LoggerFactory.getLogger(GuardedMap.class);

	private final String mapName;

	private final String observerType;

	private volatile boolean logged;

	ObserverFailures(String mapName, MapObserver observer) {
		this.mapName = mapName;
		this.observerType = observer.getClass().getName();
	}

	/**
	 * Records a failure of the observer.
	 * @param callback the callback that threw, for example {@code operation(PUT)}
	 * @param operation the map operation it was told about, or {@code null}
	 * @param ex what it threw
	 */
	void failed(String callback, @Nullable MapOperation operation, RuntimeException ex) {
		if (this.logged) {
			return;
		}
		this.logged = true;
		logger.warn("SafeMap map '{}': observer {} threw from {}({}); the map operation went on. Further failures"
				+ " of this observer on this map are not logged: fix the observer (its contract says it must not"
				+ " throw).", this.mapName, this.observerType, callback, operation, ex);
	}

}
