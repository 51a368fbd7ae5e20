package dev.safemap.compensation;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.github.resilience4j.core.IntervalFunction;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

/**
 * The compensation queue service: stores writes that could not reach their downstream and replays them in
 * the background until they succeed or go to dead letters.
 * <p>
 * Guarantees: an enqueued write survives a crash (the store is durable); it is replayed at least once
 * until it succeeds; the replay carries the same idempotency key, so a downstream that deduplicates by
 * key applies it exactly once; entries with the same ordering key replay one at a time in enqueue order,
 * and a failing entry holds back only its own key.
 * {@snippet :
 * CompensationRegistry registry = CompensationRegistry.builder(store)
 *     .handlers(target -> entry -> inventory.reserve(entry.arguments()))
 *     .maxAttempts(10)
 *     .build();
 * registry.start();
 * registry.enqueue(CompensationRequest.of("inventory#reserve", "[\"sku-1\"]"));
 * }
 * <p>
 * Thread-safety: a registry is thread-safe; {@link #enqueue} may be called from any thread.
 *
 * @since 0.1.0
 */
public interface CompensationRegistry extends AutoCloseable {

	/**
	 * Starts a builder.
	 * @param store the storage
	 * @return the builder
	 * @throws NullPointerException if store is null
	 */
	static Builder builder(CompensationStore store) {
		return new Builder(store);
	}

	/**
	 * Stores a write for replay. Returns once the entry is durable.
	 * @param request the write
	 * @return the stored entry (or the one already waiting under the same idempotency key)
	 */
	Enqueued enqueue(CompensationRequest request);

	/**
	 * Returns a future completed when the entry has been replayed successfully, or completed exceptionally
	 * with {@link CompensationDeadException} when it goes to dead letters or is discarded. A replay in this
	 * process completes it at once; a replay by another instance sharing the store is noticed within about a
	 * minute. Only entries asked for are tracked, so writes nobody waits for cost no memory.
	 * @param id the entry id
	 * @return the future
	 */
	CompletableFuture<@Nullable Void> completion(String id);

	/**
	 * Registers the handler for a target, taking precedence over the resolver given to the builder.
	 * @param target the target
	 * @param handler the handler
	 */
	void register(String target, CompensationHandler handler);

	/**
	 * Runs one replay pass now on the calling thread: claims due entries and replays them until none is due
	 * or the pass budget is used.
	 * @return the number of entries attempted
	 */
	int replayDue();

	/** Asks the worker for a replay pass as soon as possible (for example when a breaker closes). */
	void wakeUp();

	/**
	 * Starts the background worker (its first pass runs at once); does nothing when already started. A stopped
	 * registry can be started again.
	 * @throws IllegalStateException if the registry was closed
	 */
	void start();

	/**
	 * Stops the background worker, as when the application context is stopped (or a cached test context paused):
	 * a running pass ends after the entry it is replaying and is waited for (up to 10 s before it is interrupted),
	 * and the worker's threads end. Entries stay stored; {@link #start()} resumes, and {@link #replayDue()} still
	 * works meanwhile. Does nothing when not started.
	 */
	void stop();

	/**
	 * Stops the background worker as {@link #stop()} does, for good: the registry cannot be started again. Entries
	 * stay stored.
	 */
	@Override
	void close();

	/**
	 * Resubmits a dead entry.
	 * @param id the entry id
	 * @return whether a dead entry was resubmitted
	 */
	boolean retry(String id);

	/**
	 * Resubmits every dead entry.
	 * @return how many
	 */
	int retryAllDead();

	/**
	 * Deletes a dead entry (an operator gave up on it). A waiting or running entry is never deleted: it is a
	 * write that may still succeed.
	 * @param id the entry id
	 * @return whether a dead entry was deleted
	 */
	boolean discard(String id);

	/**
	 * Finds an entry.
	 * @param id the entry id
	 * @return the entry
	 */
	Optional<CompensationEntry> find(String id);

	/**
	 * Lists entries, oldest first.
	 * @param status the state to list, or null for all
	 * @param page zero-based page
	 * @param size page size (1 to 1000)
	 * @return the page
	 */
	List<CompensationEntry> entries(@Nullable CompensationStatus status, int page, int size);

	/**
	 * Counts entries by state.
	 * @return counts for every state
	 */
	Map<CompensationStatus, Long> counts();

	/**
	 * Returns whether an entry of the ordering key waits in the store (pending or being replayed): a direct call
	 * of that key must then be enqueued behind it rather than sent (strict per-key order).
	 * @param orderingKey the ordering key
	 * @return whether an entry of that key waits
	 */
	boolean hasWaiting(String orderingKey);

	/**
	 * Returns the age of the oldest waiting entry.
	 * @return the age, or empty when nothing waits
	 */
	Optional<Duration> oldestPendingAge();

	/**
	 * Returns the id this instance uses as lease owner.
	 * @return the owner id
	 */
	String owner();

	/**
	 * Result of {@link #enqueue}. Immutable and thread-safe.
	 *
	 * @param entry the stored entry (or the one already waiting under the same idempotency key)
	 * @param created whether a new entry was stored
	 * @since 0.1.0
	 */
	record Enqueued(CompensationEntry entry, boolean created) {
	}

	/**
	 * Builds a {@link CompensationRegistry}.
	 * <p>
	 * Thread-safety: a builder is not thread-safe; use it from one thread.
	 *
	 * @since 0.1.0
	 */
	final class Builder {

		final CompensationStore store;

		Clock clock = Clock.systemUTC();

		@Nullable ScheduledExecutorService scheduler;

		Duration pollInterval = Duration.ofSeconds(2);

		Duration lease = Duration.ofMinutes(2);

		int batchSize = 50;

		int replayThreads = 4;

		LongSupplier ticker = System::nanoTime;

		int maxAttempts = 10;

		Duration maxAge = Duration.ofDays(1);

		Duration doneRetention = Duration.ofHours(1);

		IntervalFunction backoff = ExponentialBackoff.builder().build().toIntervalFunction();

		Predicate<Throwable> notAttempted = (ex) -> false;

		Function<String, @Nullable CompensationHandler> handlers = (target) -> null;

		ContextPropagator contextPropagator = ContextPropagator.none();

		Duration unknownTargetWait = Duration.ofHours(1);

		final List<CompensationMigration> migrations = new ArrayList<>();

		final List<CompensationListener> listeners = new ArrayList<>();

		KeyMasker keyMasker = KeyMasker.shared();

		String owner = defaultOwner();

		Builder(CompensationStore store) {
			this.store = Objects.requireNonNull(store, "store must not be null");
		}

		/**
		 * Sets the clock (default: UTC system clock).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets the scheduler the worker runs on. When not set, the registry creates one daemon thread named
		 * {@code safemap-compensation-worker-N} at each {@link CompensationRegistry#start()} and ends it on
		 * {@link CompensationRegistry#stop()} or {@link CompensationRegistry#close()}; a given scheduler is not shut
		 * down by the registry.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(ScheduledExecutorService scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
			return this;
		}

		/**
		 * Sets how often the worker looks for due entries (default 2 s).
		 * @param interval positive interval
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder pollInterval(@Nullable Duration interval) {
			this.pollInterval = positive(interval, "pollInterval");
			return this;
		}

		/**
		 * Sets how long a claim is exclusive (default 2 min). It is renewed every third of its length while an entry
		 * is replayed, and checked before a replay once a third of it has elapsed since the claim, so it need not
		 * exceed a batch; it bounds how long the entries of a crashed instance wait.
		 * @param lease positive lease
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder lease(@Nullable Duration lease) {
			this.lease = positive(lease, "lease");
			return this;
		}

		/**
		 * Sets how many entries one claim takes (default 50).
		 * @param batchSize 1 to 10,000
		 * @return this builder
		 * @throws IllegalArgumentException if out of range
		 */
		public Builder batchSize(int batchSize) {
			if (batchSize < 1 || batchSize > 10_000) {
				throw new IllegalArgumentException("batchSize must be between 1 and 10000, but was " + batchSize);
			}
			this.batchSize = batchSize;
			return this;
		}

		/**
		 * Sets how many entries of a claim are replayed at the same time (default 4). A claim holds at most one
		 * entry per ordering key, so entries of one key are still replayed one at a time, in enqueue order; entries
		 * of different keys may reach the downstream concurrently. With 1, every entry is replayed on the worker
		 * thread and no replay thread is created; above 1, that many daemon threads named
		 * {@code safemap-compensation-replay-N} are created at the first claim of more than one entry and end when
		 * the worker stops.
		 * @param replayThreads 1 to 64
		 * @return this builder
		 * @throws IllegalArgumentException if out of range
		 * @since 0.1.0
		 */
		public Builder replayThreads(int replayThreads) {
			if (replayThreads < 1 || replayThreads > 64) {
				throw new IllegalArgumentException("replayThreads must be between 1 and 64, but was " + replayThreads);
			}
			this.replayThreads = replayThreads;
			return this;
		}

		/** Sets the monotonic nanosecond source that times leases (tests). */
		Builder ticker(LongSupplier ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
			return this;
		}

		/**
		 * Sets the attempts after which an entry goes to dead letters (default 10).
		 * @param maxAttempts at least 1
		 * @return this builder
		 * @throws IllegalArgumentException if below 1
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Sets the age after which an entry that fails again goes to dead letters (default 1 day).
		 * @param maxAge positive age
		 * @return this builder
		 * @throws IllegalArgumentException if null, zero or negative
		 */
		public Builder maxAge(@Nullable Duration maxAge) {
			this.maxAge = positive(maxAge, "maxAge");
			return this;
		}

		/**
		 * Sets how long done entries are kept for inspection before they are purged (default 1 h).
		 * @param retention zero or positive
		 * @return this builder
		 * @throws IllegalArgumentException if null or negative
		 */
		public Builder doneRetention(@Nullable Duration retention) {
			if (retention == null || retention.isNegative()) {
				throw new IllegalArgumentException("doneRetention must not be negative, but was " + retention);
			}
			this.doneRetention = retention;
			return this;
		}

		/**
		 * Sets the wait before attempt n+1 after n failures (default: {@link ExponentialBackoff}'s defaults,
		 * {@code IntervalFunction.ofExponentialRandomBackoff(1s, 2.0, 0.5, 5min)}).
		 * @param backoff the interval function
		 * @return this builder
		 */
		public Builder backoff(IntervalFunction backoff) {
			this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
			return this;
		}

		/**
		 * Sets which replay failures mean "not attempted" (for example a circuit breaker refusing the call):
		 * they reschedule the entry without counting an attempt.
		 * @param notAttempted the predicate
		 * @return this builder
		 */
		public Builder notAttempted(Predicate<Throwable> notAttempted) {
			this.notAttempted = Objects.requireNonNull(notAttempted, "notAttempted must not be null");
			return this;
		}

		/**
		 * Sets how targets are resolved to handlers; an entry whose target has no handler waits (see
		 * {@link #unknownTargetWait}), then goes to dead letters.
		 * @param handlers the resolver, returning null for an unknown target
		 * @return this builder
		 */
		public Builder handlers(Function<String, @Nullable CompensationHandler> handlers) {
			this.handlers = Objects.requireNonNull(handlers, "handlers must not be null");
			return this;
		}

		/**
		 * Sets how long an entry whose target has no handler here waits before it goes to dead letters (default
		 * 1 h). During a rolling deploy on a shared store, an instance of the old version does not know a target
		 * added by the new one (and the other way round): the entry is put back, without counting an attempt, and
		 * checked again about every minute, so that an instance that knows the target can replay it; the wait is
		 * counted from the first time an instance found the target unknown. Zero sends such an entry to dead letters
		 * at once. A {@link CompensationMigration} can route the entry to a target that exists.
		 * @param wait zero or positive
		 * @return this builder
		 * @throws IllegalArgumentException if null or negative
		 */
		public Builder unknownTargetWait(@Nullable Duration wait) {
			if (wait == null || wait.isNegative()) {
				throw new IllegalArgumentException("unknownTargetWait must not be negative, but was " + wait);
			}
			this.unknownTargetWait = wait;
			return this;
		}

		/**
		 * Adds a migration, asked about entries whose target has no handler here (tried in the order added).
		 * @param migration the migration
		 * @return this builder
		 */
		public Builder migration(CompensationMigration migration) {
			this.migrations.add(Objects.requireNonNull(migration, "migration must not be null"));
			return this;
		}

		/**
		 * Sets the request-context seam (default: {@link ContextPropagator#none()}).
		 * @param propagator the propagator
		 * @return this builder
		 */
		public Builder contextPropagator(ContextPropagator propagator) {
			this.contextPropagator = Objects.requireNonNull(propagator, "propagator must not be null");
			return this;
		}

		/**
		 * Adds a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(CompensationListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Sets what masks idempotency keys in logs ({@link KeyMasker#shared()} by default); give the application's
		 * masker so that a key has the same mask in logs and endpoints.
		 * @param keyMasker the masker
		 * @return this builder
		 */
		public Builder keyMasker(KeyMasker keyMasker) {
			this.keyMasker = Objects.requireNonNull(keyMasker, "keyMasker must not be null");
			return this;
		}

		/**
		 * Sets the lease owner id of this instance (default: host name, process id and a random suffix).
		 * @param owner unique per running instance
		 * @return this builder
		 */
		public Builder owner(String owner) {
			Objects.requireNonNull(owner, "owner must not be null");
			if (owner.isBlank() || owner.length() > 200) {
				throw new IllegalArgumentException("owner must be 1 to 200 characters, but was '" + owner + "'");
			}
			this.owner = owner;
			return this;
		}

		/**
		 * Builds the registry (not started).
		 * @return the registry
		 */
		public CompensationRegistry build() {
			return new DefaultCompensationRegistry(this);
		}

		private static Duration positive(@Nullable Duration value, String name) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, but was " + value);
			}
			return value;
		}

		private static String defaultOwner() {
			String runtime = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
			String suffix = UUID.randomUUID().toString().substring(0, 8);
			String owner = runtime + ":" + suffix;
			return (owner.length() > 200) ? owner.substring(owner.length() - 200) : owner;
		}

	}

}
