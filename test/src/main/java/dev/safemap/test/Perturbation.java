package dev.safemap.test;

import java.util.Objects;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.OperationSampler;
import dev.safemap.guard.RaceReport;
import org.jspecify.annotations.Nullable;

/**
 * Scheduling noise that makes check-then-act races happen on a busy or single-core machine: an
 * observer of detect-mode maps that yields the processor before every write. A detect-mode map calls
 * its observer at the start of a write, after the thread's earlier read of the key was recorded and
 * before the write is checked against it, so the yield opens exactly the window in which another
 * thread's write turns {@code put(k, get(k) + 1)} into a lost update. Without it, two threads that do
 * not run on two cores at the same time finish their blocks one after the other and the race never
 * happens (so nothing can report it).
 * <p>
 * It never creates a report for correct code: a yield changes when threads run, not what they do, and
 * detect mode reports only interleavings that happened. Race-check contexts
 * ({@link SafeMapRaceCheck}) use it automatically; plain tests pass {@link #yieldBeforeWrites()} to
 * {@code GuardedMap.Builder#observer}. Writes through views and {@code putAll} entries are not
 * perturbed. Test use only: a yield costs about a microsecond per write.
 * <p>
 * Thread-safety: the observers and factories are stateless or delegate to thread-safe ones.
 *
 * @since 0.1.0
 */
public final class Perturbation {

	private static final MapObserver YIELD_BEFORE_WRITES = new YieldingObserver(MapObserver.NOOP);

	private Perturbation() {
	}

	/**
	 * Returns an observer that yields before every write and observes nothing else.
	 * @return the observer
	 */
	public static MapObserver yieldBeforeWrites() {
		return YIELD_BEFORE_WRITES;
	}

	/**
	 * Returns a factory whose observers yield before every write of a detect-mode map and otherwise
	 * pass everything to the observers of {@code delegate} (guard-mode maps get the delegate's
	 * observer unchanged).
	 * @param delegate the factory to add the yields to, {@link MapObserverFactory#NOOP} for none
	 * @return the factory
	 */
	public static MapObserverFactory yieldBeforeWrites(MapObserverFactory delegate) {
		Objects.requireNonNull(delegate, "delegate must not be null");
		return (name, mode) -> {
			MapObserver observer = Objects.requireNonNull(delegate.create(name, mode), "observer of " + name);
			return (mode == GuardMode.DETECT) ? new YieldingObserver(observer) : observer;
		};
	}

	private static final class YieldingObserver implements MapObserver {

		private final MapObserver delegate;

		YieldingObserver(MapObserver delegate) {
			this.delegate = delegate;
		}

		@Override
		public void operation(MapOperation operation, @Nullable Object key) {
			this.delegate.operation(operation, key);
			if (operation.isWrite()) {
				Thread.yield();
			}
		}

		@Override
		public @Nullable OperationSampler operationSampler() {
			// reads counted by a sampler skip operation(), writes of detect-mode maps still reach it
			return this.delegate.operationSampler();
		}

		@Override
		public void contended(MapOperation operation, @Nullable Object key, int segment, long waitNanos) {
			this.delegate.contended(operation, key, segment, waitNanos);
		}

		@Override
		public void raceDetected(RaceReport.Kind kind, MapOperation operation) {
			this.delegate.raceDetected(kind, operation);
		}

		@Override
		public void race(RaceReport report) {
			this.delegate.race(report);
		}

	}

}
