package dev.safemap.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * Counts a guarded map's keyed operations on the calling thread, without calling the
 * {@link MapObserver}: a guard-mode map whose observer offers one (see
 * {@link MapObserver#operationSampler()}) calls the observer only for keyless operations
 * ({@code size}, iteration, {@code clear}, ...) and contention; a detect-mode map hands it its keyed
 * reads only.
 * <p>
 * <b>Keyed reads</b> ({@code get}, {@code getOrDefault}, {@code containsKey}) are sampled in time.
 * While the shared {@link ReadWindow} is closed, a guard-mode map reads its contents directly (the
 * window tells the map when it opens and closes), so an uncounted read runs no code of the sampler's; while
 * it is open, the read increments a {@link LongAdder} for its operation. Whoever drives the window
 * {@linkplain #harvest(MapOperation) harvests} the counts and scales them by how long the window was
 * open (measured: docs/benchmarks.md).
 * <p>
 * <b>Keyed writes</b> are counted exactly. A write takes its lock stripe in the guarded map only
 * while the window is open or when writes of one key have waited for each other on that stripe in
 * the last {@value #HOT_PERIODS} harvests ({@link #locks(int)}); under the stripe it is counted by a
 * plain increment per stripe, made while the map holds that stripe's lock. Any other write goes
 * ahead without a lock and is counted in a {@link LongAdder}. Memory is fixed per map (64 stripes of
 * 192 bytes, and one adder per kind of write) whatever the number of threads, virtual ones included.
 * {@link #writes(MapOperation)} sums both.
 * <p>
 * <b>Contention</b> is therefore seen on a stripe while the window is open, and then continuously
 * while it lasts on the same key: a write that waits for a stripe held by a write of the same key
 * (same {@code hashCode()}) keeps that stripe locked for {@value #HOT_PERIODS} harvests
 * ({@link #waiting(int, int)}, {@link #coolDown()}). Two different keys that merely share one of the
 * 64 stripes wait for each other only because of the stripe itself (the map's contents would not
 * make them wait): that is reported as contention while it is measured, but does not keep the stripe
 * locked.
 * <p>
 * <b>Keys:</b> while the window is open, a share of the operations, reads and writes alike, store
 * their key in a random slot of the key slots the observer drains (one reference store: no lock, no
 * allocation).
 * <p>
 * Thread-safe.
 * <p>
 * Why this is a public final class of {@code guard}, not a package-private class of {@code hotspots}
 * behind an interface: the guarded map calls {@link #locks(int)}, {@code unlockedWrite},
 * {@code write} and {@code count} on every keyed write and counted read, and those calls stay direct,
 * monomorphic calls to a final class (reading the window's field directly), which the measured
 * accounting cost relies on (docs/benchmarks.md). The hotspots accounting, in another package,
 * creates one per map and harvests it: only the constructor, {@link #harvest}, {@link #writes} and
 * {@link #coolDown} are public; what the map calls is package-private.
 *
 * @since 0.1.0
 */
public final class OperationSampler {

	private static final MapOperation[] OPERATIONS = MapOperation.values();

	/** Longs per stripe in {@link #writes}: one per operation kind, 128 bytes or more per stripe. */
	private static final int STRIDE = Math.max(16, OPERATIONS.length);

	/** Ints between two stripes' entries in {@link #holders}: one cache line each. */
	private static final int HOLDER_STRIDE = 16;

	/**
	 * Harvests a stripe keeps taking its lock outside windows after writes of one key last waited for
	 * each other on it (about a second at the default rate).
	 */
	static final byte HOT_PERIODS = 16;

	private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

	private final ReadWindow window;

	/** A uniform 31-bit draw below this stores the key of an operation made while the window is open. */
	private final long keyThreshold;

	private final AtomicReferenceArray<@Nullable Object> keySlots;

	private final int slotMask;

	private final LongAdder[] counted = new LongAdder[OPERATIONS.length];

	/** Writes made without the stripe lock, per operation (write kinds only). */
	private final LongAdder[] unlockedWrites = new LongAdder[OPERATIONS.length];

	/**
	 * Per stripe, the {@code hashCode()} of the key last written under the stripe lock (so, while the
	 * stripe is held, its holder's), written under that lock and read by waiting writers without it:
	 * a stale read only makes a stripe lock one time more or less.
	 */
	private final int[] holders = new int[ObservedGuardedMap.STRIPES * HOLDER_STRIDE];

	/**
	 * Per stripe, the harvests left during which its writes take the lock outside windows: set when
	 * writes of one key wait for each other on it, counted down by {@link #coolDown()}. Plain bytes:
	 * a lost update makes a stripe lock one harvest more or less, nothing else.
	 */
	private final byte[] hot = new byte[ObservedGuardedMap.STRIPES];

	/** Exact write counts per stripe and operation, each written only under its stripe's lock. */
	private final long[] writes = new long[ObservedGuardedMap.STRIPES * STRIDE];

	/**
	 * @param window the switch that says when reads are counted
	 * @param keySlots where the keys of operations made while the window is open are stored, each in
	 * a random slot (replacing what is there); its length must be a power of two
	 * @param keyShare the share of those operations whose key is stored, in {@code [0, 1]}
	 * @throws IllegalArgumentException if an argument is out of range (its value is in the message)
	 */
	public OperationSampler(ReadWindow window, AtomicReferenceArray<@Nullable Object> keySlots, double keyShare) {
		if (window == null) {
			throw new IllegalArgumentException("window must not be null");
		}
		if (Integer.bitCount(keySlots.length()) != 1) {
			throw new IllegalArgumentException(
					"keySlots length must be a power of two but was " + keySlots.length());
		}
		if (!(keyShare >= 0.0 && keyShare <= 1.0)) {
			throw new IllegalArgumentException("keyShare must be between 0 and 1 but was " + keyShare);
		}
		this.window = window;
		this.keyThreshold = (long) (keyShare * (1L << 31));
		this.keySlots = keySlots;
		this.slotMask = keySlots.length() - 1;
		for (MapOperation operation : OPERATIONS) {
			if (!operation.isWrite()) {
				this.counted[operation.ordinal()] = new LongAdder();
			}
			else {
				this.unlockedWrites[operation.ordinal()] = new LongAdder();
			}
		}
	}

	/**
	 * Takes the reads counted since the last harvest.
	 * @param operation a read operation
	 * @return how many such reads were counted (while the window was open) since the last call
	 */
	public long harvest(MapOperation operation) {
		LongAdder adder = this.counted[operation.ordinal()];
		return (adder != null) ? adder.sumThenReset() : 0;
	}

	/**
	 * Counts a keyed write exactly: called by the guarded map while it holds the lock of the key's
	 * stripe, which is what makes the plain increment safe; {@code hash} is the key's
	 * {@code hashCode()}, kept as the stripe's holder.
	 */
	void write(int stripe, MapOperation operation, Object key, int hash) {
		this.holders[stripe * HOLDER_STRIDE] = hash;
		int i = stripe * STRIDE + operation.ordinal();
		LONGS.setOpaque(this.writes, i, this.writes[i] + 1);
		if (this.window.open) {
			sampleKey(key);
		}
	}

	/**
	 * Whether a keyed write to this stripe takes the stripe lock: while the window is open, and on a
	 * stripe where writes of one key waited for each other in the last {@value #HOT_PERIODS} harvests.
	 */
	boolean locks(int stripe) {
		return this.window.open || this.hot[stripe] != 0;
	}

	/** Counts a keyed write that goes ahead without the stripe lock. */
	void unlockedWrite(MapOperation operation) {
		this.unlockedWrites[operation.ordinal()].increment();
	}

	/**
	 * A write of a key with this hash found its stripe held: if by a write of the same key, the stripe
	 * keeps its lock for the next {@value #HOT_PERIODS} harvests.
	 */
	void waiting(int stripe, int hash) {
		if (this.holders[stripe * HOLDER_STRIDE] == hash && this.hot[stripe] != HOT_PERIODS) {
			this.hot[stripe] = HOT_PERIODS;
		}
	}

	/**
	 * Counts down the stripes' contention memory: called by whoever drives the window, once per
	 * harvest. A stripe without contention for {@value #HOT_PERIODS} calls goes back to unlocked
	 * writes outside windows.
	 */
	public void coolDown() {
		for (int i = 0; i < this.hot.length; i++) {
			byte left = this.hot[i];
			if (left != 0) {
				this.hot[i] = (byte) (left - 1);
			}
		}
	}

	/**
	 * How many keyed writes of a kind the guarded map has counted here, exactly.
	 * @param operation a write operation
	 * @return the count since the map was built
	 */
	public long writes(MapOperation operation) {
		LongAdder unlocked = this.unlockedWrites[operation.ordinal()];
		long sum = (unlocked != null) ? unlocked.sum() : 0;
		for (int i = operation.ordinal(); i < this.writes.length; i += STRIDE) {
			sum += (long) LONGS.getOpaque(this.writes, i);
		}
		return sum;
	}

	ReadWindow window() {
		return this.window;
	}

	/** Called by a detect-mode map for each keyed read: counts it while the window is open. */
	void record(MapOperation operation, Object key) {
		if (this.window.open) {
			count(operation, key);
		}
	}

	/** Counts a keyed read made while the window is open (or just closed: a read already on its way). */
	void count(MapOperation operation, Object key) {
		this.counted[operation.ordinal()].increment();
		sampleKey(key);
	}

	private void sampleKey(Object key) {
		int random = ThreadLocalRandom.current().nextInt();
		// the high bits decide whether to keep the key, the low bits pick the slot
		if ((random >>> 1) < this.keyThreshold) {
			this.keySlots.setRelease(random & this.slotMask, key);
		}
	}

}
