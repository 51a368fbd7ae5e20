package dev.safemap.guard;

import java.util.function.LongSupplier;

/** Package-private builder settings for tests in other packages. */
public final class GuardTestSupport {

	private GuardTestSupport() {
	}

	/**
	 * @param builder a builder
	 * @param ticker the clock of detect and watch mode's windows
	 * @return the builder
	 */
	public static GuardedMap.Builder ticker(GuardedMap.Builder builder, LongSupplier ticker) {
		return builder.ticker(ticker);
	}

}
