package dev.safemap.compensation;

class InMemoryCompensationStoreTests extends CompensationStoreContractTests {

	private final InMemoryCompensationStore store = new InMemoryCompensationStore();

	@Override
	protected CompensationStore store() {
		return this.store;
	}

}
