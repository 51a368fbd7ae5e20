package dev.safemap.hotspots;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.safemap.guard.MapOperation;

/**
 * Exact operation counts of every map of one accounting, without an atomic instruction on the hot
 * path: each thread counts in its own {@link Cell} (found through one {@link ThreadLocal}), with plain
 * increments published by opaque stores; a sum reads every cell. On the machines this was measured
 * on, a {@code LongAdder} increment (a locked compare-and-swap) cost about three times a
 * {@code ThreadLocal} lookup plus a plain increment.
 * <p>
 * Each cell also carries the thread's own xorshift random state for the key sampling, so the hot
 * path needs no second thread-local lookup.
 * <p>
 * The cells of threads that have ended (noticed once the garbage collector has cleared the thread's
 * token) are folded into a shared array by {@link #expunge()}, so
 * memory is bounded by the number of live threads that use the maps, times the number of maps,
 * times {@value #KINDS} longs.
 * <p>
 * Thread-safe.
 */
final class OperationCounters {

	static final int KINDS = MapOperation.values().length;

	private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

	private final ThreadLocal<Token> local = ThreadLocal.withInitial(this::newToken);

	private final ConcurrentLinkedQueue<Cell> cells = new ConcurrentLinkedQueue<>();

	private final Object foldLock = new Object();

	// guarded by foldLock
	private long[] retired = new long[0];

	Cell cell() {
		return this.local.get().cell;
	}

	private Token newToken() {
		Token token = new Token();
		this.cells.add(token.cell);
		return token;
	}

	/** Sum of one counter over every thread, ended or alive. */
	long sum(int index) {
		synchronized (this.foldLock) {
			long sum = (index < this.retired.length) ? this.retired[index] : 0;
			for (Cell cell : this.cells) {
				long[] counts = cell.counts;
				if (index < counts.length) {
					sum += (long) LONGS.getOpaque(counts, index);
				}
			}
			return sum;
		}
	}

	/** Folds the cells of ended threads into the shared array. */
	void expunge() {
		synchronized (this.foldLock) {
			for (Iterator<Cell> it = this.cells.iterator(); it.hasNext();) {
				Cell cell = it.next();
				if (cell.token.get() == null) {
					long[] counts = cell.counts;
					if (this.retired.length < counts.length) {
						this.retired = Arrays.copyOf(this.retired, counts.length);
					}
					for (int i = 0; i < counts.length; i++) {
						this.retired[i] += (long) LONGS.getOpaque(counts, i);
					}
					it.remove();
				}
			}
		}
	}

	/** Number of live cells, for tests. */
	int cells() {
		return this.cells.size();
	}

	/**
	 * What a thread's {@link ThreadLocal} holds: only that thread references it strongly, so it
	 * becomes unreachable (and its cell's weak reference is cleared) once the thread has ended,
	 * without the cell referring to the {@link Thread} itself.
	 */
	private static final class Token {

		final Cell cell = new Cell(this);

	}

	/**
	 * One thread's counters: written only by that thread.
	 */
	static final class Cell {

		private final WeakReference<Token> token;

		/** Replaced (grown) only by the owner; volatile so that readers see the new array. */
		private volatile long[] counts = new long[0];

		private int seed;

		Cell(Token token) {
			this.token = new WeakReference<>(token);
			// any non-zero start, distinct per thread
			this.seed = System.identityHashCode(this) | 1;
		}

		void increment(int index) {
			long[] counts = this.counts;
			if (index >= counts.length) {
				counts = grow(index);
			}
			LONGS.setOpaque(counts, index, counts[index] + 1);
		}

		private long[] grow(int index) {
			// room for a few more maps at once: growing copies
			long[] grown = Arrays.copyOf(this.counts, Math.max(index + 1, this.counts.length * 2) + KINDS * 4);
			this.counts = grown;
			return grown;
		}

		/** The next value of the thread's xorshift generator (Marsaglia, 13/17/5). */
		int nextRandom() {
			int x = this.seed;
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			this.seed = x;
			return x;
		}

	}

}
