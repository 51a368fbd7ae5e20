package dev.safemap.context;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextScheduledExecutorService;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * One-line helpers that make an executor carry the {@link RequestContext} (and every other value
 * registered in the {@link ContextRegistry}, such as observations) from the submitting thread to
 * the task, through Micrometer context-propagation:
 * <pre>{@code
 * ExecutorService pool = SafeMapContext.wrap(Executors.newFixedThreadPool(4));
 * CompletableFuture.supplyAsync(() -> RequestContext.current().requestId(), pool);
 * }</pre>
 * The wrapped executors capture a snapshot <em>each time a task is submitted</em>
 * ({@link ContextExecutorService}), not once when the executor is wrapped, so one long-lived
 * wrapped executor serves every request correctly. Values that the submitting thread does not have
 * are cleared in the task ({@code clearMissing}), and every value is restored when the task ends,
 * so a pooled thread never keeps one request's context for the next task.
 * <p>
 * The helpers use the global {@link ContextRegistry#getInstance()} unless given a registry. They
 * register {@link RequestContextAccessor} there on first use, so they work without Spring.
 * <p>
 * Thread-safety: stateless and thread-safe; the wrapped executors are as thread-safe as the
 * executors they wrap.
 *
 * @since 0.1.0
 */
public final class SafeMapContext {

	private SafeMapContext() {
	}

	/**
	 * Registers {@link RequestContextAccessor} in a registry, unless an accessor with its key is
	 * already there.
	 * @param registry the registry
	 * @return the registry
	 */
	public static ContextRegistry register(ContextRegistry registry) {
		Objects.requireNonNull(registry, "registry must not be null");
		boolean present = registry.getThreadLocalAccessors()
			.stream()
			.anyMatch((accessor) -> RequestContextAccessor.KEY.equals(accessor.key()));
		if (!present) {
			registry.registerThreadLocalAccessor(new RequestContextAccessor());
		}
		return registry;
	}

	/**
	 * Returns a snapshot factory on the global registry that clears values missing from the snapshot.
	 * @return the factory
	 */
	public static ContextSnapshotFactory snapshotFactory() {
		return GlobalFactory.INSTANCE;
	}

	/**
	 * Returns a snapshot factory on a registry that clears values missing from the snapshot.
	 * @param registry the registry ({@link RequestContextAccessor} is registered in it if absent)
	 * @return the factory
	 */
	public static ContextSnapshotFactory snapshotFactory(ContextRegistry registry) {
		return ContextSnapshotFactory.builder().contextRegistry(register(registry)).clearMissing(true).build();
	}

	/**
	 * Wraps an executor service so that each submitted task runs with the submitter's context.
	 * @param executor the executor to wrap
	 * @return the wrapped executor (shutting it down shuts the given one down)
	 */
	public static ExecutorService wrap(ExecutorService executor) {
		return wrap(executor, snapshotFactory());
	}

	/**
	 * Wraps an executor service with a given snapshot factory.
	 * @param executor the executor to wrap
	 * @param factory captures the snapshot at each submission
	 * @return the wrapped executor
	 */
	public static ExecutorService wrap(ExecutorService executor, ContextSnapshotFactory factory) {
		Objects.requireNonNull(executor, "executor must not be null");
		Objects.requireNonNull(factory, "factory must not be null");
		return ContextExecutorService.wrap(executor, () -> factory.captureAll());
	}

	/**
	 * Wraps a scheduled executor service so that each scheduled task runs with the scheduler's
	 * context at scheduling time (a periodic task keeps that context for every run).
	 * @param executor the executor to wrap
	 * @return the wrapped executor
	 */
	public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
		return wrap(executor, snapshotFactory());
	}

	/**
	 * Wraps a scheduled executor service with a given snapshot factory.
	 * @param executor the executor to wrap
	 * @param factory captures the snapshot at each scheduling
	 * @return the wrapped executor
	 */
	public static ScheduledExecutorService wrap(ScheduledExecutorService executor, ContextSnapshotFactory factory) {
		Objects.requireNonNull(executor, "executor must not be null");
		Objects.requireNonNull(factory, "factory must not be null");
		return ContextScheduledExecutorService.wrap(executor, () -> factory.captureAll());
	}

	/**
	 * Wraps a plain executor so that each task runs with the submitter's context.
	 * @param executor the executor to wrap
	 * @return an executor that captures a snapshot per {@code execute} call
	 */
	public static Executor wrapExecutor(Executor executor) {
		return wrapExecutor(executor, snapshotFactory());
	}

	/**
	 * Wraps a plain executor with a given snapshot factory.
	 * @param executor the executor to wrap
	 * @param factory captures the snapshot at each {@code execute} call
	 * @return an executor that captures a snapshot per {@code execute} call
	 */
	public static Executor wrapExecutor(Executor executor, ContextSnapshotFactory factory) {
		Objects.requireNonNull(executor, "executor must not be null");
		Objects.requireNonNull(factory, "factory must not be null");
		return (task) -> executor.execute(factory.captureAll().wrap(task));
	}

	/**
	 * Wraps one task so that it runs with the context current now (capture happens here, once).
	 * @param task the task
	 * @return the wrapped task
	 */
	public static Runnable wrap(Runnable task) {
		Objects.requireNonNull(task, "task must not be null");
		ContextSnapshot snapshot = snapshotFactory().captureAll();
		return snapshot.wrap(task);
	}

	/** Built on first use, so that the global registry is touched only when a helper is used. */
	private static final class GlobalFactory {

		static final ContextSnapshotFactory INSTANCE = snapshotFactory(ContextRegistry.getInstance());

	}

}
