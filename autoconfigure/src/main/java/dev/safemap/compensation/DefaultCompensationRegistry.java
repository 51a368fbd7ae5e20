package dev.safemap.compensation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.support.KeyMasker;
import io.github.resilience4j.core.IntervalFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link CompensationRegistry}: one worker thread per registry claims due entries; the entries of a claim
 * (at most one per ordering key: the store's claim guarantees per-key order) are replayed on up to
 * {@code replayThreads} threads at once, and the next claim is made when they have all finished.
 */
final class DefaultCompensationRegistry implements CompensationRegistry {

	private static final Logger logger = LoggerFactory.getLogger(DefaultCompensationRegistry.class);

	private static final String LISTENER_FAILED = "Compensation listener {} failed; ignoring";

	private static final String PASS_FAILED = "Compensation replay pass failed; will retry at the next poll";

	private static final AtomicInteger THREADS = new AtomicInteger();

	/** Upper bound of entries one pass attempts, so a pass never starves close(). */
	private static final int PASS_BUDGET_BATCHES = 20;

	private static final int MAX_ERROR_LENGTH = 2000;

	private static final int MAX_REPORTED_TARGETS = 1000;

	/** How often an entry of an unknown target is looked at again while it waits. */
	private static final Duration UNKNOWN_TARGET_RECHECK = Duration.ofMinutes(1);

	private static final String UNKNOWN_SINCE = "unknown target since ";

	private static final Pattern UNKNOWN_SINCE_PATTERN = Pattern.compile("^" + UNKNOWN_SINCE + "(\\S+);");

	private final CompensationStore store;

	private final Clock clock;

	/** Monotonic nanoseconds ({@link System#nanoTime()} unless a test gives one): how old a lease is. */
	private final LongSupplier ticker;

	/** How many entries of a claim are replayed at once. */
	private final int replayThreads;

	/** The scheduler given to the builder, or null when the registry creates its own at each start. */
	private final @Nullable ScheduledExecutorService givenScheduler;

	/** The scheduler of the running worker (given, or created by the last start), null while stopped. */
	private volatile @Nullable ScheduledExecutorService scheduler;

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

	private final Duration unknownTargetWait;

	private final List<CompensationMigration> migrations;

	/** Targets found unknown here and already reported (at most {@value #MAX_REPORTED_TARGETS}). */
	private final Set<String> reportedUnknown = ConcurrentHashMap.newKeySet();

	private final List<CompensationListener> listeners;

	private final KeyMasker keyMasker;

	private final String owner;

	private final Map<String, CompletableFuture<@Nullable Void>> completions = new ConcurrentHashMap<>();

	/** Threads of the scheduler this registry created at its last start, joined when it stops. */
	private volatile List<Thread> threads = new CopyOnWriteArrayList<>();

	/**
	 * Renews the lease of the entry being replayed; its own thread, so a slow replay cannot delay it. Created when
	 * first needed, shut down (with its thread) when the worker stops.
	 */
	private @Nullable ScheduledExecutorService leaseKeeper;

	/**
	 * Replays the entries of a claim at the same time when {@code replayThreads} is above 1; created when first
	 * needed, shut down (with its threads) when the worker stops.
	 */
	private @Nullable ExecutorService replayPool;

	/** Threads of leaseKeeper and replayPool, joined when they are shut down; guarded by leaseKeeperLock. */
	private final List<Thread> helperThreads = new CopyOnWriteArrayList<>();

	/** Guards leaseKeeper and replayPool. */
	private final Object leaseKeeperLock = new Object();

	private final ReentrantLock passLock = new ReentrantLock();

	/** Serializes start, stop and close. */
	private final Object lifecycleLock = new Object();

	private final AtomicBoolean wakeUpPending = new AtomicBoolean();

	private final AtomicBoolean started = new AtomicBoolean();

	/** Set while {@link #stop()} waits for a running pass, which then ends after its current entry. */
	private volatile boolean stopping;

	private volatile boolean closed;

	/** Set by a pass that ended on its budget with entries possibly still due. */
	private volatile boolean moreDue;

	/** Successful replays of the running pass (counted by its replay threads). */
	private final AtomicInteger passSuccesses = new AtomicInteger();

	private volatile @Nullable ScheduledFuture<?> periodic;

	private volatile Instant lastPurge = Instant.EPOCH;

	DefaultCompensationRegistry(Builder builder) {
		this.store = builder.store;
		this.clock = builder.clock;
		this.ticker = builder.ticker;
		this.replayThreads = builder.replayThreads;
		this.givenScheduler = builder.scheduler;
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
		this.unknownTargetWait = builder.unknownTargetWait;
		this.migrations = List.copyOf(builder.migrations);
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
		boolean drained = false;
		this.passSuccesses.set(0);
		Set<String> attemptedThisPass = new HashSet<>();
		for (int batch = 0; batch < PASS_BUDGET_BATCHES && !halting(); batch++) {
			// read before the claim: the store sets each lease at least `lease` after these instants, in its own
			// clock (the database's on PostgreSQL), so the lease is known to run at least that long from them
			long claimedTick = this.ticker.getAsLong();
			Instant now = this.clock.instant();
			List<CompensationEntry> claimed = this.store.claim(this.owner, now, this.lease, this.batchSize);
			if (claimed.isEmpty()) {
				drained = true;
				break;
			}
			// a pass attempts an entry once: one whose backoff ended before this claim (a short backoff, a long pass)
			// is put back, due, for the next pass, and this pass ends after this claim (the next one would return it
			// again); the next pass comes at once when some replay succeeded, as at the end of the budget
			boolean repeated = false;
			List<CompensationEntry> notYetAttempted = new ArrayList<>(claimed.size());
			for (CompensationEntry entry : claimed) {
				if (attemptedThisPass.add(entry.id())) {
					notYetAttempted.add(entry);
				}
				else {
					Instant at = this.clock.instant();
					this.store.reschedule(entry.id(), this.owner, entry.attempts(), at, entry.lastError(), at);
					repeated = true;
				}
			}
			claimed = notYetAttempted;
			LeaseStart claimedAt = new LeaseStart(now, claimedTick);
			if (this.replayThreads == 1 || claimed.size() <= 1) {
				for (CompensationEntry entry : claimed) {
					if (halting()) {
						// leave the rest claimed: their leases expire and they are claimed again
						break;
					}
					if (replayIfStillHeld(entry, claimedAt)) {
						attempted++;
					}
				}
			}
			else {
				attempted += replayInParallel(claimed, claimedAt);
			}
			if (repeated) {
				break;
			}
		}
		purgeDoneOccasionally();
		// the pass ended on its budget, not on an empty claim: more may be due, so the worker goes on at once (as a
		// new pass, so that stop() and close() can come in between) rather than a poll interval later
		// (only when some replay succeeded: a pass of failures or refusals, say with a tiny backoff behind an open
		// breaker, waits for the next poll instead of spinning)
		this.moreDue = !drained && this.passSuccesses.get() > 0 && !halting();
		return attempted;
	}

	/**
	 * Replays the entries of one claim on the replay threads. A claim holds at most one entry per ordering key (the
	 * head of each key), so its entries may run at the same time without breaking per-key order; the next claim is
	 * made once all of them finished, so the next entry of a key is claimed after its predecessor was marked.
	 */
	private int replayInParallel(List<CompensationEntry> claimed, LeaseStart claimedAt) {
		// the store's contract gives one entry per key; should a store give more, they run one after the other
		Map<String, List<CompensationEntry>> byKey = new LinkedHashMap<>();
		for (CompensationEntry entry : claimed) {
			byKey.computeIfAbsent(entry.orderingKey(), (key) -> new ArrayList<>()).add(entry);
		}
		ExecutorService pool = replayPool();
		List<Future<Integer>> running = new ArrayList<>(byKey.size());
		try {
			for (List<CompensationEntry> entries : byKey.values()) {
				running.add(pool.submit(() -> {
					int replayed = 0;
					for (CompensationEntry entry : entries) {
						if (halting()) {
							break;
						}
						if (replayIfStillHeld(entry, claimedAt)) {
							replayed++;
						}
					}
					return replayed;
				}));
			}
		}
		catch (RejectedExecutionException ex) {
			// stopping: the entries not submitted stay claimed and are claimed again when their lease expires
		}
		int attempted = 0;
		Throwable fatal = null;
		boolean interrupted = false;
		for (Future<Integer> replay : running) {
			try {
				if (interrupted) {
					replay.cancel(true);
					continue;
				}
				attempted += replay.get();
			}
			catch (InterruptedException ex) {
				// stop() gave up waiting for the pass: interrupt the replays too
				interrupted = true;
				replay.cancel(true);
			}
			catch (CancellationException ex) {
				// cancelled above
			}
			catch (ExecutionException ex) {
				// a VirtualMachineError (counted and stored by replay) is rethrown once every replay has finished
				fatal = (fatal != null) ? fatal : ex.getCause();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (fatal instanceof Error error) {
			throw error;
		}
		if (fatal instanceof RuntimeException runtime) {
			throw runtime;
		}
		return attempted;
	}

	/**
	 * Replays a claimed entry unless its lease was lost. The lease is checked and restarted with a write only when a
	 * third of it may have elapsed since it was taken ({@code renew}), by the registry's clock or the monotonic
	 * ticker, whichever says more: while it is fresher, no claim elsewhere can take the entry, and the heartbeat
	 * renews it before a third of it has elapsed.
	 */
	private boolean replayIfStillHeld(CompensationEntry entry, LeaseStart claimed) {
		LeaseStart leaseStart = claimed;
		if (!isFresh(claimed)) {
			long tick = this.ticker.getAsLong();
			Instant now = this.clock.instant();
			if (!this.store.renew(entry.id(), this.owner, now, this.lease)) {
				logger.debug("Compensation {} lost its lease before its replay; another instance has it", entry.id());
				return false;
			}
			leaseStart = new LeaseStart(now, tick);
		}
		replayHoldingTheLease(entry, leaseStart);
		return true;
	}

	/** Whether less than a third of the lease has elapsed since it started, by the clock and by the ticker. */
	private boolean isFresh(LeaseStart start) {
		Duration byClock = Duration.between(start.instant(), this.clock.instant());
		long byTicker = this.ticker.getAsLong() - start.tick();
		long third = renewalPeriod().toNanos();
		return !byClock.isNegative() && byClock.toNanos() < third && byTicker >= 0 && byTicker < third;
	}

	/** A third of the lease: how often a held lease is renewed. */
	private Duration renewalPeriod() {
		return Duration.ofMillis(Math.max(10, this.lease.toMillis() / 3));
	}

	/** When a lease was (re)started: the registry's clock and the monotonic ticker, read before the write. */
	private record LeaseStart(Instant instant, long tick) {
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

	/**
	 * Replays an entry while renewing its lease every third of it, the first renewal a third of the lease after it
	 * started, so a long replay never loses it.
	 */
	private void replayHoldingTheLease(CompensationEntry entry, LeaseStart leaseStart) {
		long period = renewalPeriod().toMillis();
		long elapsed = Math.max(TimeUnit.NANOSECONDS.toMillis(this.ticker.getAsLong() - leaseStart.tick()),
				Duration.between(leaseStart.instant(), this.clock.instant()).toMillis());
		long firstDelay = Math.max(0, period - Math.max(0, elapsed));
		AtomicBoolean running = new AtomicBoolean(true);
		ScheduledFuture<?> heartbeat;
		try {
			heartbeat = leaseKeeper().scheduleAtFixedRate(() -> renewDuringReplay(entry, running), firstDelay, period,
					TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// stopping: replay without renewals (the lease is less than a third old)
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
		CompensationHandler handler;
		try {
			handler = handlerFor(entry.target());
		}
		catch (RuntimeException ex) {
			dead(entry, entry.attempts(), "cannot resolve target '" + entry.target() + "'", ex);
			return;
		}
		CompensationEntry replayed = entry;
		Throwable failure = null;
		if (handler == null && !this.migrations.isEmpty()) {
			try {
				CompensationMigration.Rewrite rewrite = migrate(entry);
				if (rewrite != null) {
					handler = handlerFor(rewrite.target());
					replayed = new CompensationEntry(entry.id(), entry.sequence(), rewrite.target(), rewrite.arguments(),
							entry.idempotencyKey(), entry.orderingKey(), entry.context(), entry.status(),
							entry.attempts(), entry.nextAttemptAt(), entry.lastError(), entry.createdAt(),
							entry.leaseOwner(), entry.leaseExpiresAt());
				}
			}
			catch (RuntimeException ex) {
				// the migration (user code) threw: a failed attempt, recorded with its class
				failure = ex;
			}
		}
		if (handler == null && failure == null) {
			unknownTarget(entry, replayed.target());
			return;
		}
		if (handler != null) {
			try (CompensationContext.Scope restored = this.contextPropagator.restore(entry.context());
					CompensationContext.Scope key = CompensationContext.open(entry.idempotencyKey(), true)) {
				handler.replay(replayed);
			}
			catch (Throwable ex) { // NOPMD: a replay must never kill the worker
				failure = ex;
			}
		}
		Instant now = this.clock.instant();
		if (failure == null) {
			if (this.store.markDone(entry.id(), this.owner, now)) {
				this.passSuccesses.incrementAndGet();
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

	private @Nullable CompensationHandler handlerFor(String target) {
		CompensationHandler handler = this.registered.get(target);
		return (handler != null) ? handler : this.resolver.apply(target);
	}

	private CompensationMigration.@Nullable Rewrite migrate(CompensationEntry entry) {
		for (CompensationMigration migration : this.migrations) {
			CompensationMigration.Rewrite rewrite = migration.migrate(entry);
			if (rewrite != null) {
				return rewrite;
			}
		}
		return null;
	}

	/**
	 * An entry whose target has no handler here: put back without counting an attempt while the unknown-target wait
	 * lasts (another instance, of another version, may know the target), then dead-lettered.
	 */
	private void unknownTarget(CompensationEntry entry, String target) {
		Instant now = this.clock.instant();
		Instant since = unknownSince(entry.lastError());
		if (since == null || since.isAfter(now)) {
			since = now;
		}
		Duration waited = Duration.between(since, now);
		String migrated = target.equals(entry.target()) ? "" : " (migrated to '" + target + "')";
		if (waited.compareTo(this.unknownTargetWait) >= 0) {
			dead(entry, entry.attempts(), "no handler for target '" + entry.target() + "'" + migrated + " after waiting "
					+ waited + " (unknown-target wait " + this.unknownTargetWait
					+ "): deploy a version that has it and retry the entry, or route it with a CompensationMigration",
					null);
			return;
		}
		if (this.reportedUnknown.size() < MAX_REPORTED_TARGETS && this.reportedUnknown.add(entry.target())) {
			logger.warn("Compensation target '{}'{} is unknown to this instance (no @Compensable method or handler of "
					+ "that name): its entries wait up to {} for an instance that has it, then go to dead letters",
					entry.target(), migrated, this.unknownTargetWait);
		}
		Duration remaining = this.unknownTargetWait.minus(waited);
		Instant next = now.plus((remaining.compareTo(UNKNOWN_TARGET_RECHECK) < 0) ? remaining : UNKNOWN_TARGET_RECHECK);
		String reason = truncate(UNKNOWN_SINCE + since + "; no handler for target '" + entry.target() + "'" + migrated
				+ " here; waiting up to " + this.unknownTargetWait + " for an instance that has it");
		this.store.reschedule(entry.id(), this.owner, entry.attempts(), next, reason, now);
		logger.debug("Compensation {} has an unknown target; looked at again at {}", entry.id(), next);
	}

	/** When an instance first found the entry's target unknown, as recorded in its last error. */
	static @Nullable Instant unknownSince(@Nullable String lastError) {
		if (lastError == null || !lastError.startsWith(UNKNOWN_SINCE)) {
			return null;
		}
		Matcher matcher = UNKNOWN_SINCE_PATTERN.matcher(lastError);
		if (!matcher.find()) {
			return null;
		}
		try {
			return Instant.parse(matcher.group(1));
		}
		catch (DateTimeParseException ex) {
			return null;
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
		ScheduledExecutorService current = this.scheduler;
		if (this.closed || !this.started.get() || current == null) {
			return;
		}
		if (this.wakeUpPending.compareAndSet(false, true)) {
			try {
				current.execute(() -> {
					this.wakeUpPending.set(false);
					safePass();
				});
			}
			catch (RuntimeException ex) {
				// rejected because the worker is stopping: the next start polls anyway
				this.wakeUpPending.set(false);
			}
		}
	}

	private void safePass() {
		if (halting() || !this.started.get()) {
			return;
		}
		try {
			replayDue();
			if (this.moreDue) {
				wakeUp();
			}
		}
		catch (Throwable ex) { // NOPMD: an exception would cancel the periodic task for good
			logger.warn(PASS_FAILED, ex);
		}
	}

	private boolean halting() {
		return this.closed || this.stopping;
	}

	private ScheduledExecutorService leaseKeeper() {
		synchronized (this.leaseKeeperLock) {
			ScheduledExecutorService keeper = this.leaseKeeper;
			if (keeper == null || keeper.isShutdown()) {
				ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1,
						daemonThreads("safemap-compensation-lease-", this.helperThreads));
				// a heartbeat is cancelled after each replay: drop it from the queue rather than keep it a third of a
				// lease
				created.setRemoveOnCancelPolicy(true);
				keeper = created;
				this.leaseKeeper = keeper;
			}
			return keeper;
		}
	}

	private static ThreadFactory daemonThreads(String prefix, List<Thread> created) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
			thread.setDaemon(true);
			created.add(thread);
			return thread;
		};
	}

	private ExecutorService replayPool() {
		synchronized (this.leaseKeeperLock) {
			ExecutorService pool = this.replayPool;
			if (pool == null || pool.isShutdown()) {
				pool = Executors.newFixedThreadPool(this.replayThreads,
						daemonThreads("safemap-compensation-replay-", this.helperThreads));
				this.replayPool = pool;
			}
			return pool;
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleLock) {
			if (this.closed) {
				throw new IllegalStateException("registry was closed; build a new one (stop() and start() pause it)");
			}
			if (this.started.get()) {
				return;
			}
			ScheduledExecutorService current = this.givenScheduler;
			if (current == null) {
				List<Thread> created = new CopyOnWriteArrayList<>();
				this.threads = created;
				current = Executors.newSingleThreadScheduledExecutor(threadFactory(created));
			}
			this.scheduler = current;
			this.started.set(true);
			long millis = this.pollInterval.toMillis();
			this.periodic = current.scheduleWithFixedDelay(this::safePass, 0, millis, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleLock) {
			stopWorker();
		}
	}

	/**
	 * Stops the worker: no new pass starts, a running one (the worker's, or one that replayDue() runs on another
	 * thread) ends after the replays in progress and is waited for; then the lease and replay threads end.
	 */
	private void stopWorker() {
		boolean wasStarted = this.started.getAndSet(false);
		this.stopping = true;
		try {
			ScheduledFuture<?> task = this.periodic;
			if (task != null) {
				task.cancel(false);
			}
			this.periodic = null;
			ScheduledExecutorService current = this.scheduler;
			this.scheduler = null;
			if (wasStarted && current != null && current != this.givenScheduler) {
				shutDown(current, this.threads);
			}
			if (wasStarted && current == this.givenScheduler) {
				// wait for a running pass on the shared scheduler
				this.passLock.lock();
				this.passLock.unlock();
			}
			else {
				// a pass that replayDue() runs on another thread uses the lease thread too: it ends after the
				// replays in progress (stopping is set), and their lease renewals go on until then
				awaitPassOnAnotherThread();
			}
			shutDownLeaseKeeper();
		}
		finally {
			this.stopping = false;
		}
	}

	private void awaitPassOnAnotherThread() {
		if (this.passLock.isHeldByCurrentThread()) {
			return;
		}
		try {
			if (this.passLock.tryLock(10, TimeUnit.SECONDS)) {
				this.passLock.unlock();
			}
			else {
				logger.warn("A compensation replay pass (replayDue() on another thread) did not finish within 10 s; "
						+ "stopping its lease renewals");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Lets the current replay finish (up to 10 s), then interrupts it; joins the worker's thread. */
	private static void shutDown(ScheduledExecutorService scheduler, List<Thread> threads) {
		scheduler.shutdown();
		try {
			if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
				logger.warn("Compensation worker did not finish its replay within 10 s; interrupting it");
				scheduler.shutdownNow();
				if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
					logger.warn("Compensation worker did not stop within 10 s of an interrupt");
				}
			}
			// the executor reports termination just before its thread exits: wait for the thread itself
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(10));
			}
		}
		catch (InterruptedException ex) {
			scheduler.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	private void shutDownLeaseKeeper() {
		ScheduledExecutorService keeper;
		ExecutorService pool;
		List<Thread> threads;
		synchronized (this.leaseKeeperLock) {
			keeper = this.leaseKeeper;
			this.leaseKeeper = null;
			pool = this.replayPool;
			this.replayPool = null;
			threads = List.copyOf(this.helperThreads);
			this.helperThreads.clear();
		}
		if (keeper != null) {
			keeper.shutdownNow();
		}
		if (pool != null) {
			// idle by now (the passes using it ended), unless one was given up on after 10 s: interrupt it
			pool.shutdownNow();
		}
		// their threads are gone when stop() or close() returns (outside the lock: a replay ending may need it)
		try {
			for (Thread thread : threads) {
				if (thread != Thread.currentThread()) {
					thread.join(TimeUnit.SECONDS.toMillis(10));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		synchronized (this.lifecycleLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			stopWorker();
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
