package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * Detect mode's lost-update bookkeeping: a fixed table of {@value #SLOTS} slots (by key hash), each
 * holding the newest write {@link Stamp} of one key of the slot, a bit set per slot of the <em>reader
 * cells</em> that read a key of the slot, and {@value #CELLS} reader cells, each holding one thread's
 * <em>pending read</em>. Memory is fixed per map whatever the key space: three arrays (about 105 KB) and at
 * most {@value #SLOTS} stamps, each holding one key reference, the writer's thread id and name, and a
 * call site only when one was captured.
 * <ul>
 * <li>A write publishes a new stamp in its key's slot, replacing whatever was there (the newest write
 * of the slot is kept, older ones are evicted and never come back).</li>
 * <li>A read publishes its key's hash and a coarse time as its thread's pending read (in the thread's
 * cell), sets the cell's bit in the slot (once: a bit, once set, stays), and then takes the slot's
 * stamp, whatever its key (so that a read never looks inside a stamp: one cache miss less). A later
 * write of the key that finds a stamp of the key other than the one the read took knows that this
 * stamp was published after the read, because a replaced stamp never returns to its slot: a write fell
 * between the read and now. An evicted stamp can hide such a write (another key of the slot written in
 * between: a false negative), never invent one.</li>
 * <li>A write needs its call site only if a report can name it: only when another thread's pending read
 * is of its key (same hash) and is at most {@value #LIVE_EPOCHS} epochs of 2<sup>28</sup> ns old (at
 * least 1 s, the lost-update window). A lost-update report needs exactly that: the final write is
 * checked against the thread's <em>latest</em> read, and only if the thread wrote nothing since, so a
 * thread's later read or any write of its own ends the relevance of its earlier read
 * ({@link #consumed}). {@link #readLatelyByOther} looks only at the cells whose bit is set in the
 * slot. The answer may be a needless yes (a hash collision, a cell whose thread did not read this
 * slot's key lately), never a wrong no.</li>
 * <li>A thread gets a cell on its first read ({@code DetectingMap} hands them out, and takes back the
 * cells of threads that ended). Threads beyond the {@value #CELLS} cells share the {@link #OVERFLOW}
 * cell, which keeps only the newest epoch of their reads: for them a write of a slot they read within
 * the window captures its site whatever the key (the conservative answer).</li>
 * </ul>
 * Memory ordering: cells, bits and stamps are read and written with volatile semantics, so that a read
 * (pending read, bit, then take the stamp) and a write (publish, then look at the bits and cells) cannot
 * both miss each other: either the read takes the write's stamp, or the write sees the read's pending
 * read. Thread-safe, lock-free; a read writes its own cell (its own cache line) unless it holds the same
 * pending read already, and writes the slot only the first time its thread reads a key of the slot.
 */
final class StampTable {

	/** Slots per map: the bound on stamps remembered. */
	static final int SLOTS = 8192;

	/** Reader cells with one thread's pending read each. */
	static final int CELLS = 63;

	/** The cell shared by threads that found no cell of their own (its bit is the sign bit of a slot's set). */
	static final int OVERFLOW = CELLS;

	/** A thread that has not read (has no cell yet). */
	static final int NO_CELL = -1;

	/** Epochs (of 2^28 ns, about 268 ms) a pending read stays live: covers the 1 s lost-update window. */
	static final int LIVE_EPOCHS = 4;

	private static final int EPOCH_SHIFT = 28;

	/** Longs per cell: 128 bytes, so that two threads' cells never share a cache line (or its pair). */
	private static final int STRIDE = 16;

	private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(Stamp[].class);

	private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

	private final Stamp[] stamps = new Stamp[SLOTS];

	/** Per slot: bit {@code c} set once cell {@code c}'s thread has read a key of the slot. */
	private final long[] readers = new long[SLOTS];

	/**
	 * Per cell (at {@code (c + 1) * STRIDE}): 0 (no pending read), or the epoch of the read (high 32
	 * bits) and its key's hash with the lowest bit set (low 32 bits: never 0). The overflow cell holds
	 * the newest epoch of its threads' reads the same way, with a low word of 1.
	 */
	private final long[] cells = new long[(CELLS + 2) * STRIDE];

	static int hash(Object key) {
		int h = key.hashCode();
		return h ^ (h >>> 16);
	}

	static int slot(int hash) {
		return hash & (SLOTS - 1);
	}

	static int epoch(long nanos) {
		return (int) (nanos >> EPOCH_SHIFT);
	}

	private static int cellIndex(int cell) {
		return (cell + 1) * STRIDE;
	}

	/** The low word of a pending read of {@code hash}: never 0 (a hash differing only in bit 0 matches too). */
	private static int pendingHash(int hash) {
		return hash | 1;
	}

	private static long pack(int epoch, int low) {
		return ((long) epoch << 32) | (low & 0xFFFF_FFFFL);
	}

	private static boolean live(long value, int epoch) {
		// a clock that went backwards keeps it live: a needless capture, never a missed one
		return value != 0 && epoch - (int) (value >>> 32) <= LIVE_EPOCHS;
	}

	/**
	 * After a keyed read by the thread of {@code cell} (a cell, or {@link #OVERFLOW}): makes it the
	 * thread's pending read, marks the slot as read by the cell, then returns the slot's stamp.
	 * @return the slot's newest stamp (of this key or of another key of the slot), or {@code null}
	 */
	@Nullable Stamp read(int hash, int cell, int epoch) {
		int at = cellIndex(cell);
		if (cell == OVERFLOW) {
			long current = (long) LONGS.getVolatile(this.cells, at);
			while (current == 0 || epoch - (int) (current >>> 32) > 0) {
				long witness = (long) LONGS.compareAndExchange(this.cells, at, current, pack(epoch, 1));
				if (witness == current) {
					break;
				}
				current = witness;
			}
		}
		else {
			long pending = pack(epoch, pendingHash(hash));
			// only this cell's thread writes it: a value already in place was published before
			if ((long) LONGS.getOpaque(this.cells, at) != pending) {
				LONGS.setVolatile(this.cells, at, pending);
			}
		}
		int i = slot(hash);
		long bit = 1L << cell;
		if (((long) LONGS.getVolatile(this.readers, i) & bit) == 0) {
			LONGS.getAndBitwiseOr(this.readers, i, bit);
		}
		return (Stamp) STAMPS.getVolatile(this.stamps, i);
	}

	/**
	 * The thread of {@code cell} wrote: its pending read can no longer end in a lost update (a later
	 * write of that thread is checked only against a later read).
	 */
	void consumed(int cell) {
		if (cell != NO_CELL && cell != OVERFLOW) {
			int at = cellIndex(cell);
			if ((long) LONGS.getOpaque(this.cells, at) != 0) {
				LONGS.setRelease(this.cells, at, 0L);
			}
		}
	}

	/** @return the key's newest stamp, or {@code null} when the slot holds none of this key */
	@Nullable Stamp current(Object key, int hash) {
		return stampOf(slot(hash), key, hash);
	}

	private @Nullable Stamp stampOf(int i, Object key, int hash) {
		Stamp stamp = (Stamp) STAMPS.getVolatile(this.stamps, i);
		return (stamp != null && stamp.hash == hash && (stamp.key == key || stamp.key.equals(key))) ? stamp : null;
	}

	/** Publishes {@code stamp} in its key's slot, evicting the slot's previous stamp. */
	void publish(Stamp stamp) {
		STAMPS.setVolatile(this.stamps, slot(stamp.hash), stamp);
	}

	/**
	 * @param cell the writing thread's cell, {@link #OVERFLOW} or {@link #NO_CELL}
	 * @return whether a thread other than the writer has a live pending read of a key of hash
	 * {@code hash} (so a lost-update report may need the call site of this write of it); {@code true}
	 * also when a thread without a cell of its own read a key of the slot within the live epochs
	 */
	boolean readLatelyByOther(int hash, int cell, int epoch) {
		long bits = (long) LONGS.getVolatile(this.readers, slot(hash));
		if (cell != NO_CELL && cell != OVERFLOW) {
			bits &= ~(1L << cell);
		}
		if (bits == 0) {
			return false;
		}
		if (bits < 0) {
			if (live((long) LONGS.getVolatile(this.cells, cellIndex(OVERFLOW)), epoch)) {
				return true;
			}
			bits &= Long.MAX_VALUE;
		}
		int wanted = pendingHash(hash);
		for (; bits != 0; bits &= bits - 1) {
			long pending = (long) LONGS.getVolatile(this.cells, cellIndex(Long.numberOfTrailingZeros(bits)));
			if ((int) pending == wanted && live(pending, epoch)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The newest write of a key. The call site is set after publication, and only when another
	 * thread's read may need it; a report that finds it not yet set waits for it without blocking:
	 * it parks itself in {@code site} and the writer completes it.
	 */
	static final class Stamp {

		private static final VarHandle SITE;

		static {
			try {
				SITE = MethodHandles.lookup().findVarHandle(Stamp.class, "site", Object.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		final Object key;

		final int hash;

		final long threadId;

		final String threadName;

		/** {@code null}, the writer's {@link CallSite}, or a {@link PendingReport} waiting for it. */
		@SuppressWarnings("unused")
		private volatile @Nullable Object site;

		Stamp(Object key, int hash, Thread writer) {
			this.key = key;
			this.hash = hash;
			this.threadId = writer.getId();
			this.threadName = writer.getName();
		}

		/** The writer sets its call site; a report parked here meanwhile is completed with it. */
		void site(CallSite site) {
			Object previous = SITE.getAndSet(this, site);
			if (previous instanceof PendingReport pending) {
				pending.otherSite(site);
			}
		}

		/**
		 * A report needs this write's call site: completes it at once if it is set, or parks it for
		 * the writer (which is capturing it) to complete.
		 */
		void whenSite(PendingReport report) {
			Object current = SITE.getAcquire(this);
			while (true) {
				if (current instanceof CallSite site) {
					report.otherSite(site);
					return;
				}
				// a second report on the same write is chained before the parked one
				report.next = (current instanceof PendingReport parked) ? parked : null;
				Object witness = SITE.compareAndExchange(this, current, report);
				if (witness == current) {
					return;
				}
				current = witness;
			}
		}

	}

	/**
	 * A report that is waiting for one of its two call sites; whichever of the two sides arrives
	 * second publishes it. Lock-free.
	 */
	abstract static class PendingReport {

		private static final VarHandle ARRIVED;

		static {
			try {
				ARRIVED = MethodHandles.lookup().findVarHandle(PendingReport.class, "arrived", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		@Nullable PendingReport next;

		private @Nullable CallSite site;

		private @Nullable CallSite otherSite;

		@SuppressWarnings("unused")
		private volatile int arrived;

		/** The site of the operation that completed the race. */
		final void site(CallSite site) {
			this.site = site;
			arrive();
		}

		/** The site of the other, conflicting, access (and of every report chained after this one). */
		final void otherSite(CallSite otherSite) {
			for (PendingReport report = this; report != null; report = report.next) {
				report.otherSite = otherSite;
				report.arrive();
			}
		}

		private void arrive() {
			if ((int) ARRIVED.getAndAdd(this, 1) == 1) {
				publish(this.site, this.otherSite);
			}
		}

		/** Called once, by the side that arrived second, with both sites. */
		abstract void publish(CallSite site, CallSite otherSite);

	}

}
