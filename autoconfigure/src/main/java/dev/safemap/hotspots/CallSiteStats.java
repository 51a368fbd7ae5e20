package dev.safemap.hotspots;

import java.util.List;
import java.util.Objects;

import dev.safemap.guard.CallSite;

/**
 * A call site where operations on a map waited for other threads, from a sample of the contended
 * operations, joined with the keys they waited on.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param site the application's frame that called the map ({@link CallSite#UNKNOWN} collects the
 * sites beyond the tracked maximum)
 * @param samples how many sampled contended operations came from this site since the last reset
 * @param share this site's share of all sampled contended operations, 0 to 1
 * @param waitNanos total wait of the sampled operations, in nanoseconds
 * @param maxWaitNanos longest single wait of the sampled operations, in nanoseconds
 * @param topKeys the keys this site waited on most, shown like {@link HotKey#key()}
 * @since 0.1.0
 */
public record CallSiteStats(CallSite site, long samples, double share, long waitNanos, long maxWaitNanos,
		List<String> topKeys) {

	public CallSiteStats {
		Objects.requireNonNull(site, "site must not be null");
		topKeys = List.copyOf(topKeys);
	}

}
