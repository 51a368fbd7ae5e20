package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Watch mode's bookkeeping: a fixed table of {@value #SLOTS} slots (by key hash), each empty or
 * holding one <em>watch</em>, the trace of one read made while the map's watch window was open.
 * Memory is fixed per map whatever the key space: the slot array (about 4 KB) and at most
 * {@value #SLOTS} watches, each holding one key reference, the reader's thread id and at most one
 * other writer's call site and thread name.
 * <ul>
 * <li>Reads are sampled in time, not one by one: {@link WatchingMap} sends its keyed reads here only
 * while its window is open ({@link #opened()} .. {@link #closed()}), and then every one of them: it
 * puts a new watch (thread, key, time, window) in its key's slot, replacing whatever was there (so a
 * thread that reads a key again is judged on its later read). While the window is closed, reads do
 * not come here at all.</li>
 * <li>Every keyed write looks at its key's slot (one load). Empty: nothing more. A watch of an
 * earlier window: dropped (a read after that window is not seen, so the writer may have read the key
 * again since). Another thread's watch of the same key: the write is recorded as the watch's
 * <em>interloper</em>: published at once, its call site captured just after (once, before it changes the
 * map), so that the reader's own write, which may come nanoseconds later, already finds it. Its own watch of the
 * same key: the watch ends, and when the write is unconditional ({@code put}, {@code remove(key)},
 * {@code replace(key, value)}) and an interloper wrote in between, the interloper's write was lost: a
 * {@code LOST_UPDATE}.</li>
 * <li>A watch older than {@value DetectingMap#LOST_UPDATE_WINDOW_MILLIS} ms is dropped by the next
 * write that finds it; closing the window empties the table.</li>
 * </ul>
 * A read or write while the window is closed thus allocates nothing and takes no lock (a write that
 * finds an empty slot does one load); a read while it is open allocates one watch; a write that meets
 * another thread's watch of its key captures its call site once.
 * Thread-safety: thread-safe; slots are published with release/acquire semantics; {@link #opened()}
 * and {@link #closed()} are called by one thread at a time (the window's).
 */
final class WatchTable {

	/** Slots per map: the bound on watched reads at any one time. */
	static final int SLOTS = 1024;

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

	private final Watch[] slots = new Watch[SLOTS];

	/**
	 * Counts the window's openings and closings: odd while it is open. A watch is valid only while
	 * the epoch is still the (odd) one it was placed in.
	 */
	private volatile int epoch;

	private final LongSupplier ticker;

	/** Captures an interloper's call site: {@link CallSite#capture()}, or in tests one that blocks. */
	private final Supplier<CallSite> capture;

	/**
	 * @param ticker the clock of the lost-update window
	 */
	WatchTable(LongSupplier ticker) {
		this(ticker, CallSite::capture);
	}

	/**
	 * @param ticker the clock of the lost-update window
	 * @param capture captures an interloper's call site
	 */
	WatchTable(LongSupplier ticker, Supplier<CallSite> capture) {
		this.ticker = ticker;
		this.capture = capture;
	}

	private static int slot(int hash) {
		return (hash ^ (hash >>> 16)) & (SLOTS - 1);
	}

	/** The watch window opened: reads are about to come here. */
	void opened() {
		if ((this.epoch & 1) == 0) {
			this.epoch++;
		}
	}

	/**
	 * The watch window closed (reads no longer come here): every watch becomes invalid, and the
	 * slots are emptied so that writes find nothing.
	 */
	void closed() {
		if ((this.epoch & 1) == 1) {
			this.epoch++;
		}
		for (int i = 0; i < SLOTS; i++) {
			if (SLOT.getOpaque(this.slots, i) != null) {
				SLOT.setRelease(this.slots, i, null);
			}
		}
	}

	/** Whether a slot holds a watch (for tests). */
	boolean watching(Object key) {
		return SLOT.getAcquire(this.slots, slot(key.hashCode())) != null;
	}

	/** A keyed read of {@code key} (not null) while the window is open: watches it. */
	void read(Object key) {
		int epoch = this.epoch;
		if ((epoch & 1) == 0) {
			return; // the window closed while this read was on its way
		}
		int hash = key.hashCode();
		SLOT.setRelease(this.slots, slot(hash),
				new Watch(Thread.currentThread().getId(), key, hash, this.ticker.getAsLong(), epoch));
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
		if (watch.epoch != this.epoch || this.ticker.getAsLong() - watch.nanos >= WINDOW) {
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
			// published before its call site is captured (a stack walk takes microseconds, the reader's own
			// write may come a few nanoseconds after this one): the reader's write finds it, and waits for the
			// site only when it has a race to report
			Interloper interloper = new Interloper(current.getName());
			if (INTERLOPER.compareAndSet(watch, null, interloper)) {
				interloper.captured(this.capture.get());
			}
		}
		return null;
	}

	/** The trace of one read made while the window was open. */
	static final class Watch {

		final long threadId;

		final Object key;

		final int hash;

		final long nanos;

		final int epoch;

		@Nullable Interloper interloper;

		Watch(long threadId, Object key, int hash, long nanos, int epoch) {
			this.threadId = threadId;
			this.key = key;
			this.hash = hash;
			this.nanos = nanos;
			this.epoch = epoch;
		}

	}

	/**
	 * Another thread's write of a watched key: its thread, at once, and its call site once captured.
	 * Thread-safe: the writer captures, the reader waits for it ({@link #site()}).
	 */
	static final class Interloper {

		/** How long a reporting reader waits, at most, for the interloper to capture its call site. */
		private static final long CAPTURE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

		private final String threadName;

		private volatile @Nullable CallSite site;

		Interloper(String threadName) {
			this.threadName = threadName;
		}

		String threadName() {
			return this.threadName;
		}

		void captured(CallSite site) {
			this.site = site;
		}

		/**
		 * The interloper's call site, waiting for its thread to capture it (a stack walk, started just
		 * after it published this) for at most {@value #CAPTURE_WAIT_NANOS} ns, after which the site is
		 * {@link CallSite#UNKNOWN} (its thread was descheduled mid-capture). Called only to report a race.
		 */
		CallSite site() {
			CallSite captured = this.site;
			if (captured != null) {
				return captured;
			}
			long start = System.nanoTime();
			for (int spins = 0; (captured = this.site) == null; spins++) {
				if (System.nanoTime() - start > CAPTURE_WAIT_NANOS) {
					return CallSite.UNKNOWN;
				}
				if (spins < 1_000) {
					Thread.onSpinWait();
				}
				else {
					Thread.yield();
				}
			}
			return captured;
		}

	}

}
