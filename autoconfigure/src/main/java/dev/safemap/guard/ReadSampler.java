package dev.safemap.guard;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * Counts a guarded map's keyed reads ({@code get}, {@code getOrDefault}, {@code containsKey}) by
 * sampling them in time, on the reading thread, without calling the {@link MapObserver}: an
 * observer that offers one (see {@link MapObserver#readSampler()}) is not called for these reads.
 * <p>
 * A read checks a shared {@link ReadWindow} (one volatile load, nothing written) and does nothing
 * more while it is closed. While it is open, the read increments a {@link LongAdder} for its
 * operation and, for a share of them, stores its key in a random slot of the key slots the observer
 * drains (one reference store: no lock, no allocation). Whoever drives the window
 * {@linkplain #harvest(MapOperation) harvests} the counts and scales them by how long the window was
 * open. The read path stays small enough for the JIT to inline it into its callers, which a call
 * into the observer's bookkeeping prevented, and an uncounted read writes nothing, which a per-read
 * random draw did (both measured: docs/benchmarks.md).
 * <p>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class ReadSampler {

	private static final MapOperation[] OPERATIONS = MapOperation.values();

	private final ReadWindow window;

	/** A uniform 31-bit draw below this stores a counted read's key. */
	private final long keyThreshold;

	private final AtomicReferenceArray<@Nullable Object> keySlots;

	private final int slotMask;

	private final LongAdder[] counted = new LongAdder[OPERATIONS.length];

	/**
	 * @param window the switch that says when reads are counted
	 * @param keySlots where the keys of counted reads are stored, each in a random slot (replacing
	 * what is there); its length must be a power of two
	 * @param keyShare the share of the counted reads whose key is stored, in {@code [0, 1]}
	 * @throws IllegalArgumentException if an argument is out of range (its value is in the message)
	 */
	public ReadSampler(ReadWindow window, AtomicReferenceArray<@Nullable Object> keySlots, double keyShare) {
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

	/** Called by the guarded map for each keyed read. */
	void record(MapOperation operation, Object key) {
		if (this.window.open) {
			count(operation, key);
		}
	}

	private void count(MapOperation operation, Object key) {
		this.counted[operation.ordinal()].increment();
		int random = ThreadLocalRandom.current().nextInt();
		// the high bits decide whether to keep the key, the low bits pick the slot
		if ((random >>> 1) < this.keyThreshold) {
			this.keySlots.setRelease(random & this.slotMask, key);
		}
	}

}
