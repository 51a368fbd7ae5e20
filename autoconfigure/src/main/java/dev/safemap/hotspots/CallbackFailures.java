package dev.safemap.hotspots;

import dev.safemap.guard.MapOperation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the first failure of one user callback (a {@link HotspotsListener}, or the call-site
 * capture of one map) at WARN, naming the callback's class and what it was called for, then stays
 * quiet: a broken callback cannot flood the log from the path of map operations, and is never
 * ignored silently either. {@link #failed} is called only from {@code catch} blocks, so nothing here
 * runs while the callback behaves.
 * <p>
 * Thread-safe: two first failures racing may both be logged, nothing worse.
 */
final class CallbackFailures {

	private static final Logger logger = LoggerFactory.getLogger(Hotspots.class);

	private final String description;

	private volatile boolean logged;

	/**
	 * @param description what the callback is, for the log, for example
	 * {@code "listener com.acme.Metrics"}
	 */
	CallbackFailures(String description) {
		this.description = description;
	}

	/**
	 * Records a failure; allocates nothing once the first one is logged.
	 * @param callback the method that threw, for example {@code contended}
	 * @param operation the map operation it was told about, or {@code null}
	 * @param mapName the map it was called for
	 * @param ex what it threw
	 */
	void failed(String callback, @Nullable MapOperation operation, String mapName, RuntimeException ex) {
		if (this.logged) {
			return;
		}
		this.logged = true;
		logger.warn("SafeMap hotspots: {} threw from {}({}) for map '{}'; ignored, the map operation went on."
				+ " Further failures of it are not logged: fix it (it must not throw).", this.description, callback,
				operation, mapName, ex);
	}

}
