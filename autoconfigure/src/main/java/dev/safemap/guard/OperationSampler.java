package dev.safemap.guard;

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
 * <b>Keyed operations</b>, reads ({@code get}, {@code getOrDefault}, {@code containsKey}) and writes
 * alike, are sampled in time. While the shared {@link ReadWindow} is closed, a guard-mode map reads its
 * contents directly (the window tells the map when it opens and closes), so an uncounted read runs no
 * code of the sampler's, and while no stripe is hot a write runs only {@link #idle()} (two loads, no
 * atomic instruction, no store); while it is open, each keyed operation increments a {@link LongAdder}
 * for its kind. Whoever drives the window {@linkplain #harvest(MapOperation) harvests} the counts and
 * scales them by how long the window was open (measured: docs/benchmarks.md). Counting every write
 * exactly, as an earlier version did, cost a locked compare-and-swap per write, a third of an
 * uncontended {@code ConcurrentHashMap.merge} (docs/benchmarks.md, "The default against
 * ConcurrentHashMap").
 * <p>
 * A keyed write is <em>watched</em> (the guarded map marks it in flight on its stripe, and so can see it
 * meet another write there) while the window is open, and when writes of one key have met on that
 * stripe in the last {@value #HOT_PERIODS} harvests, while a second window, the <em>hot window</em>, is
 * open ({@link #idle()}, {@link #watches(int)}; the hotspots accounting opens it 4 ms in every 32): a
 * meeting measured there, outside the first window, stands for {@link #hotWeight()} meetings (the hot
 * window's period over its open time), an estimate without bias however many writes meet at once. Any
 * other write goes straight to the contents. Watching every write of a hot stripe all the time, as an
 * earlier version did, cost two atomic instructions per write on a cache line every contending core
 * writes: a third of the 2-thread hot-key throughput (docs/benchmarks.md). Nothing here, nor in the guarded map, ever makes a write wait: the stripes
 * are counters, not locks (failure catalogue #16). Memory is fixed per map (64 bytes of stripe state
 * and one adder per kind of keyed operation) whatever the number of threads, virtual ones included.
 * <p>
 * <b>Contention</b> is therefore seen on a stripe while the window is open, and then in every hot window
 * while it lasts on the same key: a write that starts while a write of the same key (same
 * {@code hashCode()}) is in flight on its stripe keeps that stripe watched for {@value #HOT_PERIODS}
 * harvests ({@link #sameKeyMet(int)}, {@link #coolDown()}). Two different keys that merely share one
 * of the 64 stripes do not wait for each other (unless the contents' own bin makes them): their
 * meeting is reported while it is measured, with the wait the contents imposed, but does not keep the
 * stripe watched. The drain thread's own starvation is covered by {@link #watchAll()}: when the window
 * could not open in time, every stripe is watched until it cools down.
 * <p>
 * <b>Keys:</b> while the window is open, a share of the operations, reads and writes alike, store
 * their key in a random slot of the key slots the observer drains (one reference store: no lock, no
 * allocation).
 * <p>
 * Thread-safe.
 * <p>
 * Why this is a public final class of {@code guard}, not a package-private class of {@code hotspots}
 * behind an interface: the guarded map calls {@link #idle()} on every keyed write, {@link #watches(int)}
 * when that is false, and {@code watchedWrite} and {@code count} on watched writes and counted reads, and
 * those calls stay direct,
 * monomorphic calls to a final class (reading the window's field directly), which the measured
 * accounting cost relies on (docs/benchmarks.md). The hotspots accounting, in another package,
 * creates one per map and harvests it: only the constructor, {@link #harvest},
 * {@link #coolDown} and {@link #watchAll} are public; what the map calls is package-private.
 *
 * @since 0.1.0
 */
public final class OperationSampler {

	private static final MapOperation[] OPERATIONS = MapOperation.values();

	/**
	 * Harvests a stripe stays watched outside windows after writes of one key last met on it (about a
	 * second at the default rate).
	 */
	static final byte HOT_PERIODS = 16;

	/** A window that is always open: every write of a hot stripe watched, each meeting standing for itself. */
	private static final ReadWindow ALWAYS_OPEN = new ReadWindow();

	static {
		ALWAYS_OPEN.open();
	}

	private final ReadWindow window;

	/** While it is open, the writes of hot stripes are watched outside {@link #window}. */
	private final ReadWindow hotWindow;

	/** A uniform 31-bit draw below this stores the key of an operation made while the window is open. */
	private final long keyThreshold;

	private final AtomicReferenceArray<@Nullable Object> keySlots;

	private final int slotMask;

	/** Keyed operations counted while the window was open, per operation, since the last harvest. */
	private final LongAdder[] counted = new LongAdder[OPERATIONS.length];

	/**
	 * Per stripe, the harvests left during which its writes are watched outside windows: set when
	 * writes of one key meet on it (or on every stripe by {@link #watchAll()}), counted down by
	 * {@link #coolDown()}. Plain bytes: a lost update makes a stripe watched one harvest more or less,
	 * nothing else.
	 */
	private final byte[] hot = new byte[ObservedGuardedMap.STRIPES];

	/**
	 * Whether any stripe is {@link #hot}: set with it, recomputed by {@link #coolDown()}. Plain: a
	 * {@code coolDown} that races with {@link #sameKeyMet} can clear it while a stripe has just become
	 * hot, which leaves that stripe unwatched until the next window finds its writes meeting again.
	 */
	private boolean anyHot;

	/**
	 * @param window the switch that says when reads are counted
	 * @param keySlots where the keys of operations made while the window is open are stored, each in
	 * a random slot (replacing what is there); its length must be a power of two
	 * @param keyShare the share of those operations whose key is stored, in {@code [0, 1]}
	 * @throws IllegalArgumentException if an argument is out of range (its value is in the message)
	 */
	public OperationSampler(ReadWindow window, AtomicReferenceArray<@Nullable Object> keySlots, double keyShare) {
		this(window, ALWAYS_OPEN, keySlots, keyShare);
	}

	/**
	 * As above, watching the writes of hot stripes outside {@code window} only while {@code hotWindow} is
	 * open, each meeting measured then standing for {@link ReadWindow#weight() hotWindow.weight()}.
	 * @param window the switch that says when operations are counted and every write is watched
	 * @param hotWindow the switch that says when the writes of hot stripes are watched
	 * @param keySlots as above
	 * @param keyShare as above
	 * @throws IllegalArgumentException if an argument is out of range (its value is in the message)
	 */
	public OperationSampler(ReadWindow window, ReadWindow hotWindow, AtomicReferenceArray<@Nullable Object> keySlots,
			double keyShare) {
		if (window == null || hotWindow == null) {
			throw new IllegalArgumentException("window must not be null");
		}
		if (Integer.bitCount(keySlots.length()) != 1) {
			throw new IllegalArgumentException(
					"keySlots length must be a power of two but was " + keySlots.length());
		}
		if (!(keyShare >= 0.0 && keyShare <= 1.0)) {
			throw new IllegalArgumentException("keyShare must be between 0 and 1 but was " + keyShare);
		}
		this.hotWindow = hotWindow;
		this.window = window;
		this.keyThreshold = (long) (keyShare * (1L << 31));
		this.keySlots = keySlots;
		this.slotMask = keySlots.length() - 1;
		for (MapOperation operation : OPERATIONS) {
			this.counted[operation.ordinal()] = new LongAdder();
		}
	}

	/**
	 * Takes the keyed operations of one kind counted since the last harvest.
	 * @param operation a kind of operation
	 * @return how many were counted (while the window was open) since the last call; 0 for keyless
	 * operations, which the observer counts
	 */
	public long harvest(MapOperation operation) {
		LongAdder adder = this.counted[operation.ordinal()];
		return (adder != null) ? adder.sumThenReset() : 0;
	}

	/**
	 * Whether a keyed write to this stripe is watched (marked in flight, so that meeting another write
	 * is seen): while the window is open, and on a stripe where writes of one key met in the last
	 * {@value #HOT_PERIODS} harvests.
	 */
	boolean watches(int stripe) {
		return this.window.open || (this.hot[stripe] != 0 && this.hotWindow.open);
	}

	/**
	 * Whether no keyed write needs watching now: the window is closed, and no stripe is hot or the hot
	 * window is closed. Then a guarded map sends its writes straight to its contents, without even
	 * finding their stripe. The window's volatile flag is read first, so that the plain {@link #anyHot}
	 * is read anew each time; the hot window's flag only while a stripe is hot.
	 */
	boolean idle() {
		return !this.window.open && !(this.anyHot && this.hotWindow.open);
	}

	/**
	 * A watched keyed write: while the window is open, counts it and samples its key.
	 * @return whether the window was open: if not, the write is watched as one of a hot stripe's, in the
	 * hot window, and a meeting it finds counts for {@link #hotWeight()}
	 */
	boolean watchedWrite(MapOperation operation, Object key) {
		if (this.window.open) {
			count(operation, key);
			return true;
		}
		return false;
	}

	/**
	 * How many contended operations a meeting measured outside the window, in the hot window, stands
	 * for: the hot window's period over its open time, so that weighted counts and wait totals estimate
	 * all of a hot stripe's contention without bias however many writes meet at once.
	 */
	int hotWeight() {
		return this.hotWindow.weight();
	}

	/**
	 * A watched write started while a write of the same key was in flight on its stripe: the stripe
	 * stays watched for the next {@value #HOT_PERIODS} harvests.
	 */
	void sameKeyMet(int stripe) {
		if (this.hot[stripe] != HOT_PERIODS) {
			this.hot[stripe] = HOT_PERIODS;
		}
		if (!this.anyHot) {
			this.anyHot = true;
		}
	}

	/**
	 * Watches every stripe for the next {@value #HOT_PERIODS} harvests: called by whoever drives the
	 * window when it could not open it in time (its thread was starved of CPU), so that contention on
	 * a busy machine is measured rather than missed by a sample that did not happen.
	 */
	public void watchAll() {
		for (int i = 0; i < this.hot.length; i++) {
			this.hot[i] = HOT_PERIODS;
		}
		this.anyHot = true;
	}

	/**
	 * Counts down the stripes' contention memory: called by whoever drives the window, once per
	 * harvest. A stripe without same-key meetings for {@value #HOT_PERIODS} calls goes back to
	 * unwatched writes outside windows.
	 */
	public void coolDown() {
		boolean stillHot = false;
		for (int i = 0; i < this.hot.length; i++) {
			byte left = this.hot[i];
			if (left != 0) {
				this.hot[i] = (byte) (left - 1);
				stillHot |= (left > 1);
			}
		}
		this.anyHot = stillHot;
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

	/**
	 * Counts a keyed operation made while the window is open (or just closed: an operation already on
	 * its way), and samples its key.
	 */
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
