package dev.safemap.hotspots;

import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;

/**
 * Calls one {@link HotspotsListener}, catching anything it throws so that a listener can never
 * break a map operation nor the accounting; its first failure is logged once at WARN, naming its
 * class and the callback ({@link CallbackFailures}).
 * <p>
 * Thread-safe, as the listener must be.
 */
final class GuardedListener {

	private final HotspotsListener listener;

	private final CallbackFailures failures;

	GuardedListener(HotspotsListener listener) {
		this.listener = listener;
		this.failures = new CallbackFailures("listener " + listener.getClass().getName());
	}

	void mapAdded(MapStats map) {
		try {
			this.listener.mapAdded(map);
		}
		catch (RuntimeException ex) {
			// a listener that fails to register a map must not stop the map from being guarded
			this.failures.failed("mapAdded", null, map.mapName(), ex);
		}
	}

	void contended(MapStats map, MapOperation operation, long waitNanos) {
		try {
			this.listener.contended(map, operation, waitNanos);
		}
		catch (RuntimeException ex) {
			// a listener that throws loses this event, the operation goes on
			this.failures.failed("contended", operation, map.mapName(), ex);
		}
	}

	void race(MapStats map, RaceReport report) {
		try {
			this.listener.race(map, report);
		}
		catch (RuntimeException ex) {
			// a listener that throws loses this event
			this.failures.failed("race", report.operation(), map.mapName(), ex);
		}
	}

}
