package dev.safemap.compensation;

/** Test doubles of the compensation store for tests in other packages. */
public final class CompensationTestStores {

	private CompensationTestStores() {
	}

	/** @return a new in-memory store (a test double: it forgets on restart) */
	public static CompensationStore inMemory() {
		return new InMemoryCompensationStore();
	}

}
