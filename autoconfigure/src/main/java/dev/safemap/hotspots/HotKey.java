package dev.safemap.hotspots;

import java.util.Objects;

/**
 * One hot key of a map, as shown in a {@link HotspotReport}.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param key the key as shown: its mask (see {@link dev.safemap.support.KeyMasker}) unless raw keys
 * were asked for, or {@code "unresolved"} when the key instance was no longer at hand
 * @param count the estimated number of operations (or contended operations) on the key since the
 * last reset
 * @param share the key's estimated share of all counted operations (or contended operations), 0 to 1
 * @param waitNanos for a key ranked by contention, the estimated total time operations on it waited,
 * in nanoseconds; 0 for a key ranked by operations
 * @since 0.1.0
 */
public record HotKey(String key, long count, double share, long waitNanos) {

	public HotKey {
		Objects.requireNonNull(key, "key must not be null");
	}

}
