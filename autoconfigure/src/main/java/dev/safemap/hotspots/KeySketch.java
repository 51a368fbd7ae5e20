package dev.safemap.hotspots;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.LongsSketch;
import org.jspecify.annotations.Nullable;

/**
 * Heavy hitters over key hashes, in fixed memory: a DataSketches frequent-items
 * {@link LongsSketch} keyed by {@code key.hashCode()}, plus a direct-mapped side table that keeps
 * one key instance per slot so that a hot hash can be shown as its key (masked or not).
 * <p>
 * The side table needs no lock: a slot holds whichever key last landed there, and a lookup checks
 * that the key found still has the wanted hash. A hot key keeps writing itself back, so it is
 * almost always found; a key that is not is shown as {@value #UNRESOLVED}.
 * <p>
 * Thread-safe: the sketch is guarded by a lock.
 */
final class KeySketch {

	static final String UNRESOLVED = "unresolved";

	private final ReentrantLock lock = new ReentrantLock();

	// guarded by lock
	private final LongsSketch sketch;

	private final AtomicReferenceArray<@Nullable Object> keys;

	private final int slotMask;

	KeySketch(int maxMapSize) {
		this.sketch = new LongsSketch(maxMapSize);
		this.keys = new AtomicReferenceArray<>(maxMapSize);
		this.slotMask = maxMapSize - 1;
	}

	/**
	 * Counts, with weight 1 each, the keys waiting in a sample buffer, emptying it. Off the map's
	 * hot path: the sketch's purges allocate.
	 * @return how many keys were counted
	 */
	int drain(AtomicReferenceArray<@Nullable Object> samples) {
		int drained = 0;
		this.lock.lock();
		try {
			for (int i = 0; i < samples.length(); i++) {
				Object key = samples.getAcquire(i);
				if (key != null && samples.compareAndSet(i, key, null)) {
					try {
						int hash = key.hashCode();
						this.sketch.update(hash);
						remember(key, hash);
						drained++;
					}
					catch (RuntimeException ex) {
						// a key whose hashCode() throws is not counted
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		return drained;
	}

	/** Counts a key, waiting for the sketch if needed. */
	void update(Object key, int hash, long weight) {
		this.lock.lock();
		try {
			this.sketch.update(hash, weight);
		}
		finally {
			this.lock.unlock();
		}
		remember(key, hash);
	}

	private void remember(Object key, int hash) {
		int slot = slot(hash);
		// read first: a hot key already in place costs no write (and no cache-line transfer)
		if (this.keys.getPlain(slot) != key) {
			this.keys.setRelease(slot, key);
		}
	}

	/** Returns the key instance last seen with this hash, or null when it is no longer at hand. */
	@Nullable Object keyFor(int hash) {
		Object key = this.keys.getAcquire(slot(hash));
		try {
			return (key != null && key.hashCode() == hash) ? key : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private int slot(int hash) {
		// spread the bits: hashCode()s of small numbers and short strings are clustered
		return ((hash * 0x9E3779B9) >>> 16 ^ (hash * 0x9E3779B9)) & this.slotMask;
	}

	/**
	 * Returns the heaviest items, heaviest first: only items that are certainly frequent
	 * ({@link ErrorType#NO_FALSE_POSITIVES}), at most {@code limit}.
	 */
	Top top(int limit) {
		return top(limit, 0);
	}

	/** Like {@link #top(int)}, skipping items whose estimate is below {@code minEstimate}. */
	Top top(int limit, long minEstimate) {
		this.lock.lock();
		try {
			LongsSketch.Row[] rows = this.sketch.getFrequentItems(ErrorType.NO_FALSE_POSITIVES);
			List<Item> items = new ArrayList<>(Math.min(limit, rows.length));
			for (int i = 0; i < rows.length && items.size() < limit; i++) {
				if (rows[i].getEstimate() < minEstimate) {
					break; // rows come heaviest first
				}
				items.add(new Item((int) rows[i].getItem(), rows[i].getEstimate()));
			}
			return new Top(items, this.sketch.getStreamLength());
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Returns the estimated weight of one item. */
	long estimate(int hash) {
		this.lock.lock();
		try {
			return this.sketch.getEstimate(hash);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Returns the bytes the sketch would serialize to (its live state). */
	int storageBytes() {
		this.lock.lock();
		try {
			return this.sketch.getStorageBytes();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Returns the number of side-table slots (the most key instances ever retained). */
	int slots() {
		return this.keys.length();
	}

	void reset() {
		this.lock.lock();
		try {
			this.sketch.reset();
		}
		finally {
			this.lock.unlock();
		}
		for (int i = 0; i < this.keys.length(); i++) {
			this.keys.set(i, null);
		}
	}

	record Item(int hash, long estimate) {
	}

	record Top(List<Item> items, long streamLength) {
	}

}
