package dev.safemap.compensation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.core.IntervalFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link CompensationRegistry}: one worker thread per registry, replaying claimed entries one after
 * the other (the store's claim already guarantees per-key order).
 */
final class DefaultCompensationRegistry implements CompensationRegistry {

	private static final Logger logger = LoggerFactory.getLogger(DefaultCompensationRegistry.class);

	private static final String LISTENER_FAILED = "Compensation listener {} failed; ignoring";

	private static final String PASS_FAILED = "Compensation replay pass failed; will retry at the next poll";

	private static final AtomicInteger THREADS = new AtomicInteger();

	/** Upper bound of entries one pass attempts, so a pass never starves close(). */
	private static final int PASS_BUDGET_BATCHES = 20;

	private static final int MAX_ERROR_LENGTH = 2000;

	private final CompensationStore store;

	private final Clock clock;

	private final ScheduledExecutorService scheduler;

	private final boolean ownScheduler;

	private final Duration pollInterval;

	private final Duration lease;

	private final int batchSize;

	private final int maxAttempts;

	private final Duration maxAge;

	private final Duration doneRetention;

	private final IntervalFunction backoff;

	private final Predicate<Throwable> notAttempted;

	private final Function<String, @Nullable CompensationHandler> resolver;

	private final Map<String, CompensationHandler> registered = new ConcurrentHashMap<>();

	private final ContextPropagator contextPropagator;

	private final List<CompensationListener> listeners;

	private final KeyMasker keyMasker;

	private final String owner;

	private final Map<String, CompletableFuture<@Nullable Void>> completions = new ConcurrentHashMap<>();

	/** Threads of the scheduler this registry created, joined on close. */
	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	/** Renews the lease of the entry being replayed; its own thread, so a slow replay cannot delay it. */
	private final ScheduledExecutorService leaseKeeper;

	private final ReentrantLock passLock = new ReentrantLock();

	private final AtomicBoolean wakeUpPending = new AtomicBoolean();

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean closed;

	private volatile @Nullable ScheduledFuture<?> periodic;

	private volatile Instant lastPurge = Instant.EPOCH;

	DefaultCompensationRegistry(Builder builder) {
		this.store = builder.store;
		this.clock = builder.clock;
		this.ownScheduler = builder.scheduler == null;
		this.scheduler = (builder.scheduler != null) ? builder.scheduler
				: Executors.newSingleThreadScheduledExecutor(threadFactory(this.threads));
		this.leaseKeeper = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "safemap-compensation-lease-" + THREADS.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.pollInterval = builder.pollInterval;
		this.lease = builder.lease;
		this.batchSize = builder.batchSize;
		this.maxAttempts = builder.maxAttempts;
		this.maxAge = builder.maxAge;
		this.doneRetention = builder.doneRetention;
		this.backoff = builder.backoff;
		this.notAttempted = builder.notAttempted;
		this.resolver = builder.handlers;
		this.contextPropagator = builder.contextPropagator;
		this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
		this.keyMasker = builder.keyMasker;
		this.owner = builder.owner;
	}

	private static ThreadFactory threadFactory(List<Thread> created) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, "safemap-compensation-worker-" + THREADS.incrementAndGet());
			thread.setDaemon(true);
			created.add(thread);
			return thread;
		};
	}

	@Override
	public Enqueued enqueue(CompensationRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		CompensationStore.Stored stored = this.store.enqueue(request, this.clock.instant());
		CompensationEntry entry = stored.entry();
		SafeMapEvents.compensationQueued(entry.id(), entry.target(), entry.idempotencyKey(), this.keyMasker,
				stored.created());
		for (CompensationListener listener : this.listeners) {
			try {
				listener.enqueued(entry, stored.created());
			}
			catch (RuntimeException ex) {
				logger.warn(LISTENER_FAILED, listener, ex);
			}
		}
		return new Enqueued(entry, stored.created());
	}

	@Override
	public CompletableFuture<@Nullable Void> completion(String id) {
		Objects.requireNonNull(id, "id must not be null");
		CompletableFuture<@Nullable Void> completion = this.completions.computeIfAbsent(id,
				(key) -> new CompletableFuture<>());
		settle(id, completion);
		return completion;
	}

	/** Completes a tracked future from the stored state, for entries finished elsewhere. */
	private void settle(String id, CompletableFuture<@Nullable Void> completion) {
		Optional<CompensationEntry> stored = this.store.find(id);
		if (stored.isEmpty()) {
			this.completions.remove(id, completion);
			completion.completeExceptionally(new CompensationDeadException(id, "no longer stored (discarded or purged)"));
		}
		else if (stored.get().status() == CompensationStatus.DONE) {
			this.completions.remove(id, completion);
			completion.complete(null);
		}
		else if (stored.get().status() == CompensationStatus.DEAD) {
			this.completions.remove(id, completion);
			String reason = stored.get().lastError();
			completion.completeExceptionally(new CompensationDeadException(id, (reason != null) ? reason : "dead"));
		}
	}

	@Override
	public void register(String target, CompensationHandler handler) {
		Objects.requireNonNull(target, "target must not be null");
		Objects.requireNonNull(handler, "handler must not be null");
		this.registered.put(target, handler);
	}

	@Override
	public int replayDue() {
		this.passLock.lock();
		try {
			return runPass();
		}
		finally {
			this.passLock.unlock();
		}
	}

	private int runPass() {
		int attempted = 0;
		for (int batch = 0; batch < PASS_BUDGET_BATCHES && !this.closed; batch++) {
			Instant now = this.clock.instant();
			List<CompensationEntry> claimed = this.store.claim(this.owner, now, this.lease, this.batchSize);
			if (claimed.isEmpty()) {
				break;
			}
			for (CompensationEntry entry : claimed) {
				if (this.closed) {
					// leave the rest claimed: their leases expire and they are claimed again
					break;
				}
				// the lease was taken for the whole claim: check it (and restart it) before each replay, so an
				// entry whose lease ran out while earlier ones replayed, and that another instance claimed, is
				// not delivered a second time here
				if (!this.store.renew(entry.id(), this.owner, this.clock.instant(), this.lease)) {
					logger.debug("Compensation {} lost its lease before its replay; another instance has it",
							entry.id());
					continue;
				}
				replayHoldingTheLease(entry);
				attempted++;
			}
		}
		purgeDoneOccasionally();
		return attempted;
	}

	private void purgeDoneOccasionally() {
		Instant now = this.clock.instant();
		if (Duration.between(this.lastPurge, now).compareTo(Duration.ofMinutes(1)) >= 0) {
			this.lastPurge = now;
			// before purging, so a tracked entry finished by another instance is still found DONE
			this.completions.forEach(this::settle);
			this.store.purgeDone(now.minus(this.doneRetention));
		}
	}

	/** Replays an entry while renewing its lease every third of it, so a long replay never loses it. */
	private void replayHoldingTheLease(CompensationEntry entry) {
		long period = Math.max(10, this.lease.toMillis() / 3);
		AtomicBoolean running = new AtomicBoolean(true);
		ScheduledFuture<?> heartbeat;
		try {
			heartbeat = this.leaseKeeper.scheduleAtFixedRate(() -> renewDuringReplay(entry, running), period, period,
					TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// closing: replay without renewals (the lease was just renewed)
			heartbeat = null;
		}
		try {
			replay(entry);
		}
		finally {
			running.set(false);
			if (heartbeat != null) {
				heartbeat.cancel(false);
			}
		}
	}

	private void renewDuringReplay(CompensationEntry entry, AtomicBoolean running) {
		if (!running.get()) {
			return;
		}
		try {
			// still running after a failed renewal: the lease was really lost (not just finished meanwhile)
			if (!this.store.renew(entry.id(), this.owner, this.clock.instant(), this.lease) && running.get()) {
				logger.warn("Compensation {} to {} lost its lease while being replayed; another instance may deliver it"
						+ " again (its idempotency key lets the downstream apply it once)", entry.id(), entry.target());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Renewing the lease of compensation {} failed; will retry", entry.id(), ex);
		}
	}

	private void replay(CompensationEntry entry) {
		if (entry.attempts() >= this.maxAttempts) {
			// the store counts a takeover of an expired lease as an attempt: the replays never finished (the worker
			// died in them, or lost its lease), so an entry that kills its worker dies after its attempts too
			dead(entry, entry.attempts(), "gave up after " + entry.attempts()
					+ " attempts; the last did not finish (the worker died or lost its lease)", null);
			return;
		}
		CompensationHandler handler = this.registered.get(entry.target());
		if (handler == null) {
			try {
				handler = this.resolver.apply(entry.target());
			}
			catch (RuntimeException ex) {
				dead(entry, entry.attempts(), "cannot resolve target '" + entry.target() + "'", ex);
				return;
			}
		}
		if (handler == null) {
			dead(entry, entry.attempts(), "no handler for target '" + entry.target() + "'", null);
			return;
		}
		Throwable failure = null;
		try (CompensationContext.Scope restored = this.contextPropagator.restore(entry.context());
				CompensationContext.Scope key = CompensationContext.open(entry.idempotencyKey(), true)) {
			handler.replay(entry);
		}
		catch (Throwable ex) { // NOPMD: a replay must never kill the worker
			failure = ex;
		}
		Instant now = this.clock.instant();
		if (failure == null) {
			if (this.store.markDone(entry.id(), this.owner, now)) {
				notifyReplayed(entry, entry.age(now));
			}
			CompletableFuture<@Nullable Void> completion = this.completions.remove(entry.id());
			if (completion != null) {
				completion.complete(null);
			}
			return;
		}
		if (failure instanceof UnreadableCompensationException) {
			dead(entry, entry.attempts() + 1, "unreadable entry", failure);
			return;
		}
		// every failure counts, VM errors too: a poison entry (StackOverflowError, OutOfMemoryError) is rescheduled
		// and dies after its attempts instead of staying IN_PROGRESS with 0 attempts at the head of its key
		boolean fatal = failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
		try {
			failed(entry, failure, now);
		}
		finally {
			if (fatal) {
				// an OutOfMemoryError or an internal error of the VM is not this worker's to swallow: counted above,
				// then rethrown to the pass (the rest of the batch is claimed again when its lease expires)
				throw (VirtualMachineError) failure;
			}
		}
	}

	private void failed(CompensationEntry entry, Throwable failure, Instant now) {
		boolean counted = failure instanceof VirtualMachineError || !this.notAttempted.test(failure);
		int attempts = counted ? entry.attempts() + 1 : entry.attempts();
		if (attempts >= this.maxAttempts) {
			dead(entry, attempts, "gave up after " + attempts + " attempts", failure);
			return;
		}
		if (entry.age(now).compareTo(this.maxAge) > 0) {
			dead(entry, attempts, "gave up after " + entry.age(now) + " (max age " + this.maxAge + ")", failure);
			return;
		}
		long waitMillis = this.backoff.apply(Math.max(1, attempts));
		Instant next = now.plusMillis(waitMillis);
		this.store.reschedule(entry.id(), this.owner, attempts, next, describe(failure), now);
		logger.debug("Compensation {} failed (attempt {}), next attempt at {}", entry.id(), attempts, next);
		for (CompensationListener listener : this.listeners) {
			try {
				listener.failed(entry, failure);
			}
			catch (RuntimeException ex) {
				logger.warn(LISTENER_FAILED, listener, ex);
			}
		}
	}

	/**
	 * Moves an entry to dead letters, loudly: one WARN with the target, the masked key, the attempts and the
	 * failure's class (never its message nor an argument), the listeners (the {@code .dead} meter) and the
	 * entry's future.
	 */
	private void dead(CompensationEntry entry, int attempts, String why, @Nullable Throwable cause) {
		String text = truncate((cause != null) ? why + ": " + describe(cause) : why);
		boolean moved = this.store.markDead(entry.id(), this.owner, attempts, text, this.clock.instant());
		if (!moved) {
			// another instance took the entry over (lease expired): its outcome counts, not ours
			logger.debug("Compensation {} was taken over before it could be moved to dead letters", entry.id());
			return;
		}
		logger.warn("Compensation {} to {} (key {}) moved to dead letters after {} attempts: {}{}", entry.id(),
				entry.target(), this.keyMasker.mask(entry.idempotencyKey()), attempts, why,
				(cause != null) ? " (" + cause.getClass().getName() + ")" : "");
		SafeMapEvents.compensationDead(entry.id(), entry.target(), entry.idempotencyKey(), this.keyMasker, attempts, text);
		CompletableFuture<@Nullable Void> completion = this.completions.remove(entry.id());
		if (completion != null) {
			completion.completeExceptionally(new CompensationDeadException(entry.id(), text));
		}
		for (CompensationListener listener : this.listeners) {
			try {
				listener.dead(entry, text);
			}
			catch (RuntimeException ex) {
				logger.warn(LISTENER_FAILED, listener, ex);
			}
		}
	}

	private void notifyReplayed(CompensationEntry entry, Duration lag) {
		SafeMapEvents.compensationReplayed(entry.id(), entry.target(), entry.idempotencyKey(), this.keyMasker,
				entry.attempts(), lag);
		for (CompensationListener listener : this.listeners) {
			try {
				listener.replayed(entry, lag);
			}
			catch (RuntimeException ex) {
				logger.warn(LISTENER_FAILED, listener, ex);
			}
		}
	}

	/** The failure's class and sanitized message: no argument value, no downstream body. */
	private static String describe(Throwable failure) {
		return truncate(FailureDescription.of(failure));
	}

	private static String truncate(String text) {
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

	@Override
	public void wakeUp() {
		if (this.closed || !this.started.get()) {
			return;
		}
		if (this.wakeUpPending.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(() -> {
					this.wakeUpPending.set(false);
					safePass();
				});
			}
			catch (RuntimeException ex) {
				// rejected because the scheduler is shutting down: the next start polls anyway
				this.wakeUpPending.set(false);
			}
		}
	}

	private void safePass() {
		if (this.closed) {
			return;
		}
		try {
			replayDue();
		}
		catch (Throwable ex) { // NOPMD: an exception would cancel the periodic task for good
			logger.warn(PASS_FAILED, ex);
		}
	}

	@Override
	public void start() {
		if (this.closed) {
			throw new IllegalStateException("registry was closed; build a new one");
		}
		if (this.started.compareAndSet(false, true)) {
			long millis = this.pollInterval.toMillis();
			this.periodic = this.scheduler.scheduleWithFixedDelay(this::safePass, 0, millis, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		ScheduledFuture<?> task = this.periodic;
		if (task != null) {
			task.cancel(false);
		}
		this.leaseKeeper.shutdownNow();
		if (this.ownScheduler) {
			this.scheduler.shutdownNow();
			try {
				if (!this.scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
					logger.warn("Compensation worker did not stop within 10 s");
				}
				// the executor reports termination just before its thread exits: wait for the thread itself
				for (Thread thread : this.threads) {
					thread.join(TimeUnit.SECONDS.toMillis(10));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		else {
			// wait for a running pass on the shared scheduler
			this.passLock.lock();
			this.passLock.unlock();
		}
	}

	@Override
	public boolean retry(String id) {
		boolean resubmitted = this.store.resubmit(id, this.clock.instant());
		if (resubmitted) {
			wakeUp();
		}
		return resubmitted;
	}

	@Override
	public int retryAllDead() {
		int count = this.store.resubmitAllDead(this.clock.instant());
		if (count > 0) {
			wakeUp();
		}
		return count;
	}

	@Override
	public boolean discard(String id) {
		boolean discarded = this.store.discard(id);
		CompletableFuture<@Nullable Void> completion = discarded ? this.completions.remove(id) : null;
		if (completion != null) {
			completion.completeExceptionally(new CompensationDeadException(id, "discarded by an operator"));
		}
		return discarded;
	}

	@Override
	public Optional<CompensationEntry> find(String id) {
		return this.store.find(id);
	}

	@Override
	public List<CompensationEntry> entries(@Nullable CompensationStatus status, int page, int size) {
		if (page < 0) {
			throw new IllegalArgumentException("page must not be negative, but was " + page);
		}
		if (size < 1 || size > 1000) {
			throw new IllegalArgumentException("size must be between 1 and 1000, but was " + size);
		}
		return this.store.list(status, Math.multiplyExact(page, size), size);
	}

	@Override
	public Map<CompensationStatus, Long> counts() {
		return this.store.countByStatus();
	}

	@Override
	public boolean hasWaiting(String orderingKey) {
		Objects.requireNonNull(orderingKey, "orderingKey must not be null");
		return this.store.hasWaiting(orderingKey);
	}

	@Override
	public Optional<Duration> oldestPendingAge() {
		Instant now = this.clock.instant();
		return this.store.oldestPendingCreatedAt().map((created) -> {
			Duration age = Duration.between(created, now);
			return age.isNegative() ? Duration.ZERO : age;
		});
	}

	@Override
	public String owner() {
		return this.owner;
	}

	@Override
	public String toString() {
		return "CompensationRegistry[owner=" + this.owner + "]";
	}

}
