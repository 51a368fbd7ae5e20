package dev.safemap.compensation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/** Test wrappers of a {@link CompensationStore}: another clock for its times, and a look at each call. */
final class StoreCalls {

	private StoreCalls() {
	}

	/**
	 * Wraps a store. With a {@code database} clock, every {@link Instant} argument is replaced by that clock's now,
	 * as {@code JdbcCompensationStore.useDatabaseClock()} does on PostgreSQL (a lease or due time keeps its distance
	 * from the caller's now). {@code calls} is told the name of each method called, before the call.
	 */
	static CompensationStore withClock(CompensationStore store, @Nullable Clock database,
			@Nullable Consumer<String> calls) {
		return (CompensationStore) Proxy.newProxyInstance(StoreCalls.class.getClassLoader(),
				new Class<?>[] { CompensationStore.class }, (proxy, method, args) -> {
					if (calls != null) {
						calls.accept(method.getName());
					}
					Object[] actual = args;
					if (database != null && args != null) {
						actual = args.clone();
						Instant callerNow = null;
						for (Object arg : args) {
							if (arg instanceof Instant instant && callerNow == null && method.getName().equals("reschedule")) {
								// reschedule(id, owner, attempts, next, error, now): next keeps its distance from now
								callerNow = (Instant) args[5];
							}
						}
						Instant now = database.instant();
						for (int i = 0; i < actual.length; i++) {
							if (actual[i] instanceof Instant instant) {
								actual[i] = (callerNow != null && i == 3)
										? now.plus(java.time.Duration.between(callerNow, instant)) : now;
							}
						}
					}
					try {
						return method.invoke(store, actual);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
