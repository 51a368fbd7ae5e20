package dev.safemap.guard;

/**
 * How a shared map is guarded.
 *
 * @since 0.1.0
 */
public enum GuardMode {

	/** The contents move into a thread-safe structure; compound operations are atomic per key. */
	GUARD,

	/**
	 * As {@link #GUARD} (the contents move into a thread-safe structure), and a sample of the reads is
	 * watched for check-then-act lost updates ({@code put(k, get(k) + 1)}), reported as detect mode
	 * reports them, with both call sites. Cheap enough to leave on where the real traffic is: an
	 * unsampled operation allocates nothing, and memory is fixed per map.
	 */
	WATCH,

	/**
	 * The original map stays in place and unsafe use is detected and reported, like a race
	 * detector: concurrent writes, writes during an iteration and check-then-act lost updates.
	 */
	DETECT,

	/** The map is left as it is. */
	OFF

}
