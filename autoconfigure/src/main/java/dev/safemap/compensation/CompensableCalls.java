package dev.safemap.compensation;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.safemap.support.KeyMasker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedRunnable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one "call, or store it for a replay" path, used by {@link CompensationTemplate#execute} and by the
 * {@link Compensable @Compensable} interceptor: runs a write through its circuit breaker, with
 * {@link CompensationContext#currentIdempotencyKey()} set to the request's idempotency key, and when the write
 * fails in a way that compensates, {@linkplain CompensationRegistry#enqueue enqueues} the request instead of
 * failing. A refusal by the open breaker ({@link CallNotPermittedException}) always compensates. When the
 * request cannot be stored, the store's failure is thrown with the write's failure added as suppressed: the
 * write is then neither done nor stored, and the caller must know. The enqueue's answer is checked: a new entry,
 * or an entry of the same target waiting under the same idempotency key with the same arguments (the same write,
 * which this call joins); an entry waiting under that key with other arguments fails the call with an
 * {@link IllegalStateException} (the key masked), so no write is dropped silently. Keys of other targets and of
 * dead entries never clash (see {@link CompensationStore#enqueue}).
 * <p>
 * Strict per-key order: when an entry of the request's ordering key waits in the store (pending, or being
 * replayed), the write is not attempted: the request is enqueued behind that entry, and the call returns as a
 * deferred one. This costs one read of the store per call; when the store cannot answer it, the write is
 * attempted as usual. A call that checks just before another
 * caller's entry of its key is stored is not held back by it (the two are concurrent, so neither order is wrong).
 * <p>
 * This is the first call only: replays do not come through here (the registry calls the target's
 * {@link CompensationHandler}, which applies the breaker itself).
 * <p>
 * Thread-safety: instances are thread-safe; the idempotency-key scope is opened and closed on the calling
 * thread, around the synchronous part of the call.
 *
 * @since 0.1.0
 */
public final class CompensableCalls {

	private static final Logger logger = LoggerFactory.getLogger(CompensableCalls.class);

	private final Supplier<? extends CompensationRegistry> registry;

	/**
	 * Creates the path for a registry.
	 * @param registry supplies the registry, on the first failure that compensates (so it may be resolved
	 * lazily)
	 */
	public CompensableCalls(Supplier<? extends CompensationRegistry> registry) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
	}

	/**
	 * Runs a synchronous write, or stores it.
	 * @param breaker the breaker the write goes through
	 * @param request what to store if the write does not go through (built before the call, so a bad argument
	 * fails before anything is attempted)
	 * @param compensates which failures of the write mean "the downstream did not take it"
	 * @param write the write
	 * @return the id of the stored entry, or null when the write succeeded
	 * @throws Throwable the write's failure when it does not compensate, or the store's failure (with the
	 * write's failure suppressed) when the request cannot be stored
	 */
	public @Nullable String call(CircuitBreaker breaker, CompensationRequest request,
			Predicate<? super Throwable> compensates, CheckedRunnable write) throws Throwable {
		if (olderEntryWaits(request)) {
			// strict per-key order: an older entry of this ordering key waits, so this call goes behind it
			return enqueue(request, null);
		}
		try (CompensationContext.Scope scope = CompensationContext.open(request.idempotencyKey(), false)) {
			breaker.executeCheckedRunnable(write);
			return null;
		}
		catch (Throwable ex) {
			if (!compensates(compensates, ex)) {
				throw ex;
			}
			return enqueue(request, ex);
		}
	}

	/**
	 * Runs an asynchronous write, or stores it. The write is started with the idempotency key in scope; the
	 * returned future completes with the write's value when it succeeds, with null when a stored entry is
	 * replayed successfully (in this process, or by another one sharing the store), and exceptionally with the
	 * write's failure when it does not compensate, with the store's failure when the request cannot be stored,
	 * or with {@link CompensationDeadException} when the stored entry goes to dead letters.
	 * @param <T> the write's result type
	 * @param breaker the breaker the write goes through
	 * @param request what to store if the write does not go through
	 * @param compensates which failures of the write mean "the downstream did not take it"
	 * @param write starts the write; a thrown exception counts as a failed stage
	 * @return the future
	 */
	public <T> CompletableFuture<@Nullable T> callAsync(CircuitBreaker breaker, CompensationRequest request,
			Predicate<? super Throwable> compensates, Supplier<? extends @Nullable CompletionStage<T>> write) {
		CompletionStage<T> stage;
		if (olderEntryWaits(request)) {
			// strict per-key order: an older entry of this ordering key waits, so this call goes behind it
			stage = CompletableFuture.failedFuture(new QueuedBehindException());
		}
		else {
			try (CompensationContext.Scope scope = CompensationContext.open(request.idempotencyKey(), false)) {
				stage = breaker.executeCompletionStage(() -> start(write));
			}
		}
		CompletableFuture<@Nullable T> result = new CompletableFuture<>();
		stage.whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
				return;
			}
			Throwable cause = unwrap(failure);
			if (!compensates(compensates, cause)) {
				result.completeExceptionally(cause);
				return;
			}
			try {
				this.registry.get().completion(enqueue(request, cause)).whenComplete((done, dead) -> {
					if (dead != null) {
						result.completeExceptionally(dead);
					}
					else {
						result.complete(null);
					}
				});
			}
			catch (Throwable ex) { // NOPMD: the caller's future must complete
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	/**
	 * Whether an entry of the request's ordering key waits. A store that cannot answer does not stop the call:
	 * the write goes to the downstream (order then holds only among the entries the store has).
	 */
	private boolean olderEntryWaits(CompensationRequest request) {
		try {
			return this.registry.get().hasWaiting(request.orderingKey());
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot tell whether an entry of the ordering key of a call to {} waits; calling it",
					request.target(), ex);
			return false;
		}
	}

	private static <T> CompletionStage<T> start(Supplier<? extends @Nullable CompletionStage<T>> write) {
		try {
			CompletionStage<T> stage = write.get();
			return (stage != null) ? stage : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) { // NOPMD: a failure to start is a failed write
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static boolean compensates(Predicate<? super Throwable> compensates, Throwable failure) {
		return failure instanceof CallNotPermittedException || failure instanceof QueuedBehindException
				|| compensates.test(failure);
	}

	private String enqueue(CompensationRequest request, @Nullable Throwable failure) {
		try {
			CompensationRegistry.Enqueued enqueued = this.registry.get().enqueue(request);
			CompensationEntry entry = enqueued.entry();
			if (enqueued.created()) {
				logger.debug("Call to {} deferred as compensation {} after {}", request.target(), entry.id(),
						(failure != null) ? failure.getClass().getName() : "an older entry of its ordering key");
			}
			else if (entry.arguments().equals(request.arguments())) {
				// the same write (same target, key and arguments) is already waiting: this call joins it
				logger.debug("Call to {} joined the waiting compensation {} with the same idempotency key",
						request.target(), entry.id());
			}
			else {
				// never drop a different write silently: the caller must know it was neither done nor stored
				throw new IllegalStateException("Call to " + request.target() + " with idempotency key "
						+ KeyMasker.shared().mask(request.idempotencyKey()) + " was neither done nor stored: compensation "
						+ entry.id() + " of the same target waits under that key with other arguments");
			}
			return entry.id();
		}
		catch (RuntimeException ex) {
			// the write is neither done nor stored: the caller must know
			if (failure != null) {
				ex.addSuppressed(failure);
			}
			throw ex;
		}
	}

	/** Marks an asynchronous call that was not sent because an older entry of its ordering key waits. */
	private static final class QueuedBehindException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		QueuedBehindException() {
			super("an older entry of the ordering key waits", null, false, false);
		}

	}

	/** Returns the failure behind {@link CompletionException} and {@link ExecutionException} wrappers. */
	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
