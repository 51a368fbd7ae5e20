package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Watch mode's bookkeeping: a fixed table of {@value #SLOTS} slots (by key hash), each empty or
 * holding one <em>watch</em>, the trace of one sampled read. Memory is fixed per map whatever the key
 * space: the slot array (about 4 KB) and at most {@value #SLOTS} watches, each holding one key
 * reference, the reader's thread id and at most one other writer's call site and thread name, and a
 * boost count per slot (4 KB).
 * <ul>
 * <li>A read is sampled with probability {@code 1 / sampleEvery} (a power of two; the decision comes
 * from {@link ThreadLocalRandom}, or from a test's {@link Sampler}), and always while its slot is
 * <em>boosted</em>: for the {@value #BOOST} reads of a slot after another thread's write fell inside a
 * watched read of it (keys written by several threads are where lost updates happen, so they are
 * watched more closely: Pacer's and LiteRace's idea of sampling where races are likely). A sampled
 * read puts a new watch
 * (thread, key, time) in its key's slot, replacing whatever was there. Any read by the thread that
 * owns the watch in its slot ends that watch (its value now comes from a later read).</li>
 * <li>Every keyed write looks at its key's slot (one load). Empty: nothing more. Another thread's
 * watch of the same key: the write is recorded as the watch's <em>interloper</em> (its call site
 * captured once, before it changes the map). Its own watch of the same key: the watch ends, and when
 * the write is unconditional ({@code put}, {@code remove(key)}, {@code replace(key, value)}) and an
 * interloper wrote in between, the interloper's write was lost: a {@code LOST_UPDATE}.</li>
 * <li>A watch older than {@value DetectingMap#LOST_UPDATE_WINDOW_MILLIS} ms is dropped by the next
 * write that finds it.</li>
 * </ul>
 * An unsampled read or write thus allocates nothing and takes no lock; a sampled read allocates one
 * watch; a write that meets another thread's watch of its key captures its call site once.
 * Thread-safety: thread-safe; slots are published with release/acquire semantics.
 */
final class WatchTable {

	/** Slots per map: the bound on watched reads at any one time. */
	static final int SLOTS = 1024;

	/** Default: one read in 64 is sampled. */
	static final int DEFAULT_SAMPLE_EVERY = 64;

	private static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(DetectingMap.LOST_UPDATE_WINDOW_MILLIS);

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Watch[].class);

	private static final VarHandle INTERLOPER;

	static {
		try {
			INTERLOPER = MethodHandles.lookup().findVarHandle(Watch.class, "interloper", Interloper.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Reads sampled in full on a slot after another thread's write fell inside a watched read. */
	static final int BOOST = 64;

	private static final VarHandle BOOSTS = MethodHandles.arrayElementVarHandle(int[].class);

	private final Watch[] slots = new Watch[SLOTS];

	/**
	 * Per slot, how many of its next reads are sampled whatever the sampler says: set to {@value #BOOST}
	 * when a write of another thread falls inside a watched read of the slot (the key is written by
	 * several threads, where lost updates happen), counted down by the reads. Opaque: a lost count
	 * only samples one read more or less.
	 */
	private final int[] boosts = new int[SLOTS];

	private final Sampler sampler;

	private final LongSupplier ticker;

	/**
	 * @param sampler decides which reads are watched
	 * @param ticker the clock of the lost-update window
	 */
	WatchTable(Sampler sampler, LongSupplier ticker) {
		this.sampler = sampler;
		this.ticker = ticker;
	}

	/** A sampler that watches one read in {@code every} (a power of two), by {@link ThreadLocalRandom}. */
	static Sampler randomSampler(int every) {
		if (every < 1 || Integer.bitCount(every) != 1) {
			throw new IllegalArgumentException("every must be a power of two but was " + every);
		}
		int mask = every - 1;
		return () -> (ThreadLocalRandom.current().nextInt() & mask) == 0;
	}

	private static int slot(int hash) {
		return (hash ^ (hash >>> 16)) & (SLOTS - 1);
	}

	/** After a keyed read of {@code key} (not null). */
	void read(Object key) {
		int hash = key.hashCode();
		int i = slot(hash);
		Watch watch = (Watch) SLOT.getAcquire(this.slots, i);
		long me = 0;
		if (watch != null) {
			me = Thread.currentThread().getId();
			if (watch.threadId == me) {
				// this thread read again: whatever it writes next is based on this read, not the watched one
				SLOT.compareAndSet(this.slots, i, watch, null);
			}
		}
		if (sampled(i)) {
			if (me == 0) {
				me = Thread.currentThread().getId();
			}
			SLOT.setRelease(this.slots, i, new Watch(me, key, hash, this.ticker.getAsLong()));
		}
	}

	private boolean sampled(int i) {
		int boost = (int) BOOSTS.getOpaque(this.boosts, i);
		if (boost > 0) {
			BOOSTS.setOpaque(this.boosts, i, boost - 1);
			return true;
		}
		return this.sampler.sample();
	}

	/**
	 * Before a keyed write of {@code key} (not null).
	 * @return the interloper whose write this one loses, or {@code null}: nothing to report
	 */
	@Nullable Interloper write(Object key, boolean unconditional) {
		int hash = key.hashCode();
		int i = slot(hash);
		Watch watch = (Watch) SLOT.getAcquire(this.slots, i);
		if (watch == null) {
			return null;
		}
		return watched(watch, i, key, hash, unconditional);
	}

	private @Nullable Interloper watched(Watch watch, int i, Object key, int hash, boolean unconditional) {
		if (this.ticker.getAsLong() - watch.nanos >= WINDOW) {
			SLOT.compareAndSet(this.slots, i, watch, null);
			return null;
		}
		if (watch.hash != hash || !watch.key.equals(key)) {
			return null;
		}
		Thread current = Thread.currentThread();
		if (watch.threadId == current.getId()) {
			SLOT.compareAndSet(this.slots, i, watch, null);
			Interloper other = (Interloper) INTERLOPER.getAcquire(watch);
			return unconditional ? other : null;
		}
		if (INTERLOPER.getAcquire(watch) == null) {
			INTERLOPER.compareAndSet(watch, null, new Interloper(current.getName(), CallSite.capture()));
			// several threads write this key around reads of it: watch its next reads in full
			BOOSTS.setOpaque(this.boosts, i, BOOST);
		}
		return null;
	}

	/** Decides whether a read is watched. Must be thread-safe and cheap. */
	@FunctionalInterface
	interface Sampler {

		boolean sample();

	}

	/** The trace of one sampled read. */
	static final class Watch {

		final long threadId;

		final Object key;

		final int hash;

		final long nanos;

		@Nullable Interloper interloper;

		Watch(long threadId, Object key, int hash, long nanos) {
			this.threadId = threadId;
			this.key = key;
			this.hash = hash;
			this.nanos = nanos;
		}

	}

	/** Another thread's write of a watched key. */
	record Interloper(String threadName, CallSite site) {
	}

}
