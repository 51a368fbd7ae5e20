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
	 * The original map stays in place and unsafe use is detected and reported, like a race
	 * detector: concurrent writes, writes during an iteration and check-then-act lost updates.
	 */
	DETECT,

	/** The map is left as it is. */
	OFF

}
