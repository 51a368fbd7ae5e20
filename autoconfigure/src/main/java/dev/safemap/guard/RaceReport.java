package dev.safemap.guard;

import java.time.Instant;
import java.util.Objects;

/**
 * One unsafe use of a map found in {@link GuardMode#DETECT detect} mode.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param mapName the name of the map (its bean name)
 * @param kind what was unsafe
 * @param operation the operation that completed the race (the second writer, the write during the
 * iteration, or the lost update's final write)
 * @param maskedKey the key involved, masked unless configured otherwise; {@code null}-free: an
 * operation without a key (such as {@code clear}) reports {@code "-"}
 * @param site where the operation that completed the race was called
 * @param otherSite where the other, conflicting, access was made
 * @param thread the name of the thread that completed the race
 * @param otherThread the name of the thread of the conflicting access
 * @param time when the race was detected
 * @since 0.1.0
 */
public record RaceReport(String mapName, Kind kind, MapOperation operation, String maskedKey, CallSite site,
		CallSite otherSite, String thread, String otherThread, Instant time) {

	public RaceReport {
		Objects.requireNonNull(mapName, "mapName must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
		Objects.requireNonNull(operation, "operation must not be null");
		Objects.requireNonNull(maskedKey, "maskedKey must not be null");
		Objects.requireNonNull(site, "site must not be null");
		Objects.requireNonNull(otherSite, "otherSite must not be null");
		Objects.requireNonNull(thread, "thread must not be null");
		Objects.requireNonNull(otherThread, "otherThread must not be null");
		Objects.requireNonNull(time, "time must not be null");
	}

	/**
	 * The kinds of unsafe use detect mode reports.
	 */
	public enum Kind {

		/** Two threads wrote to the map at the same time. */
		CONCURRENT_WRITE,

		/** One thread wrote to the map while another was iterating over it. */
		WRITE_DURING_ITERATION,

		/**
		 * Check-then-act lost update: a thread read a key, another thread wrote that key, and the
		 * first thread then wrote the key based on what it had read ({@code put(k, get(k) + 1)}).
		 */
		LOST_UPDATE

	}

}
