package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * Detect mode's lost-update bookkeeping: a fixed table of {@value #SLOTS} slots (by key hash), each
 * holding the newest write {@link Stamp} of one key of the slot, and a <em>read mark</em> per slot. Memory
 * is fixed per map whatever the key space: two arrays (about 96 KB) and at most {@value #SLOTS} stamps,
 * each holding one key reference, the writer's thread id and name, and a call site only when one was
 * captured.
 * <ul>
 * <li>A write publishes a new stamp in its key's slot, replacing whatever was there (the newest write
 * of the slot is kept, older ones are evicted and never come back).</li>
 * <li>A read marks its slot (the reading thread, or "several threads", and a coarse time) and then
 * takes the slot's stamp, whatever its key (so that a read never looks inside a stamp: one cache miss
 * less). A later write of the key that finds a stamp of the key other than the one the read took knows
 * that this stamp was published after the read, because a replaced stamp never returns to its slot: a
 * write fell between the read and now. An evicted stamp can hide such a write (another key of the slot
 * written in between: a false negative), never invent one.</li>
 * <li>A write needs its call site only if a report can name it: only when another thread read a key of
 * its slot within the lost-update window. {@link #readByOther} answers that from the read mark; marks
 * expire after {@value #LIVE_EPOCHS} epochs of 2<sup>28</sup> ns (at least 1 s, the lost-update window)
 * and are never cleared earlier, so the answer may be a needless yes, never a wrong no (except for two
 * threads whose ids are equal modulo 2<sup>31</sup> - 2).</li>
 * </ul>
 * Memory ordering: marks and stamps are read and written with volatile semantics, so that a read (mark,
 * then take the stamp) and a write (publish, then look at the mark) cannot both miss each other: either
 * the read takes the write's stamp, or the write sees the read's mark. Thread-safe, lock-free; a read
 * whose mark is already in place writes nothing.
 */
final class StampTable {

	/** Slots per map: the bound on stamps remembered. */
	static final int SLOTS = 8192;

	/** Epochs (of 2^28 ns, about 268 ms) a read mark stays live: covers the 1 s lost-update window. */
	static final int LIVE_EPOCHS = 4;

	private static final int EPOCH_SHIFT = 28;

	/** Reader tag of a slot read by more than one thread. */
	private static final int MANY = -1;

	private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(Stamp[].class);

	private static final VarHandle MARKS = MethodHandles.arrayElementVarHandle(long[].class);

	private final Stamp[] stamps = new Stamp[SLOTS];

	/**
	 * Per slot: 0 (never read), or the epoch of the newest read (high 32 bits) and the reader tag (low
	 * 32 bits: one thread's tag, or {@link #MANY}).
	 */
	private final long[] marks = new long[SLOTS];

	static int hash(Object key) {
		int h = key.hashCode();
		return h ^ (h >>> 16);
	}

	static int slot(int hash) {
		return hash & (SLOTS - 1);
	}

	/** A thread's reader tag: never 0 (no mark) and never {@link #MANY}. */
	static int tag(long threadId) {
		return (int) Math.floorMod(threadId, (long) Integer.MAX_VALUE - 1) + 1;
	}

	static int epoch(long nanos) {
		return (int) (nanos >> EPOCH_SHIFT);
	}

	/**
	 * After a keyed read: marks the slot as read by {@code tag}, then returns the slot's stamp.
	 * @return the slot's newest stamp (of this key or of another key of the slot), or {@code null}
	 */
	@Nullable Stamp read(int hash, int tag, int epoch) {
		int i = slot(hash);
		long mark = (long) MARKS.getVolatile(this.marks, i);
		while (true) {
			long wanted = merged(mark, tag, epoch);
			if (wanted == mark) {
				break;
			}
			long witness = (long) MARKS.compareAndExchange(this.marks, i, mark, wanted);
			if (witness == mark) {
				break;
			}
			mark = witness;
		}
		return (Stamp) STAMPS.getVolatile(this.stamps, i);
	}

	private static long merged(long mark, int tag, int epoch) {
		if (mark == 0 || !live(mark, epoch)) {
			return pack(epoch, tag);
		}
		int markTag = (int) mark;
		int markEpoch = (int) (mark >>> 32);
		int newest = (epoch - markEpoch > 0) ? epoch : markEpoch;
		return pack(newest, (markTag == tag) ? tag : MANY);
	}

	private static boolean live(long mark, int epoch) {
		// a clock that went backwards keeps the mark live: a needless capture, never a missed one
		return epoch - (int) (mark >>> 32) <= LIVE_EPOCHS;
	}

	private static long pack(int epoch, int tag) {
		return ((long) epoch << 32) | (tag & 0xFFFF_FFFFL);
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
	 * @return whether a thread other than {@code tag} read a key of the slot of {@code hash} within the
	 * live epochs (so a report may need the call site of a write of it)
	 */
	boolean readByOther(int hash, int tag, int epoch) {
		long mark = (long) MARKS.getVolatile(this.marks, slot(hash));
		return mark != 0 && live(mark, epoch) && (int) mark != tag;
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
