package dev.safemap.guard;

/**
 * The kinds of operation a guarded map reports to its {@link MapObserver}.
 *
 * @since 0.1.0
 */
public enum MapOperation {

	GET(false), CONTAINS_KEY(false), CONTAINS_VALUE(false), SIZE(false), ITERATE(false),
	PUT(true), PUT_ALL(true), PUT_IF_ABSENT(true), REMOVE(true), REPLACE(true), CLEAR(true),
	COMPUTE(true), COMPUTE_IF_ABSENT(true), COMPUTE_IF_PRESENT(true), MERGE(true), INCREMENT(true);

	private final boolean write;

	MapOperation(boolean write) {
		this.write = write;
	}

	/**
	 * Whether this operation may change the map.
	 * @return true for writes
	 */
	public boolean isWrite() {
		return this.write;
	}

}
