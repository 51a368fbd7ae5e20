package dev.safemap.compensation;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Rewrites a stored write whose target no longer exists in this version of the application (a renamed bean, a
 * {@code @Compensable} method whose signature changed), so that it is replayed through a target that does.
 * <p>
 * A migration is asked only about entries whose stored target has no handler here; it is asked again at each
 * replay of the entry (the stored row keeps its original target and arguments, which the endpoint shows), so it
 * must be a pure function of the entry. Returning null leaves the entry waiting as an unknown target (see
 * {@link CompensationRegistry.Builder#unknownTargetWait}); a migration that throws counts as a failed attempt of the
 * entry. Migrations are tried in order; the first non-null rewrite is used.
 * {@snippet :
 * // reserve(Order) became reserve(Order, Priority): old entries are replayed with the default priority
 * CompensationMigration migration = (entry) -> entry.target().equals("inventoryClient#reserve(com.example.Order)")
 *     ? new CompensationMigration.Rewrite("inventoryClient#reserve(com.example.Order,com.example.Priority)",
 *         entry.arguments().replaceFirst("]$", ",\"NORMAL\"]"))
 *     : null;
 * }
 * <p>
 * Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CompensationMigration {

	/**
	 * Rewrites an entry whose target is unknown here.
	 * @param entry the stored entry
	 * @return the target and arguments to replay it with, or null when this migration does not handle the entry
	 */
	@Nullable Rewrite migrate(CompensationEntry entry);

	/**
	 * The target and arguments a migrated entry is replayed with. Immutable and thread-safe.
	 *
	 * @param target the target to replay through, as stored by the current version ({@code bean#method(types)} for
	 * {@code @Compensable} methods)
	 * @param arguments the arguments as the target's handler reads them (a JSON array for {@code @Compensable}
	 * methods)
	 * @since 0.1.0
	 */
	record Rewrite(String target, String arguments) {

		/**
		 * Creates a rewrite.
		 * @throws IllegalArgumentException if the target is blank
		 * @throws NullPointerException if an argument is null
		 */
		public Rewrite {
			Objects.requireNonNull(target, "target must not be null");
			Objects.requireNonNull(arguments, "arguments must not be null");
			if (target.isBlank()) {
				throw new IllegalArgumentException("target must not be blank, but was '" + target + "'");
			}
		}

	}

}
