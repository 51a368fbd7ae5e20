package dev.safemap.guard;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The read sampling of {@link MapObserver#readWeight()}: one read in {@code weight}, drawn with
 * {@link ThreadLocalRandom} (a field of the current thread: no lookup, no shared write). Immutable,
 * thread-safe.
 */
final class ReadSampling {

	/** A uniform 31-bit draw below this samples the read; 2^31 samples every read. */
	private final long threshold;

	private final boolean everyRead;

	ReadSampling(MapObserver observer) {
		int weight = observer.readWeight();
		if (weight < 1) {
			throw new IllegalArgumentException("readWeight() of " + observer + " must be at least 1 but was " + weight);
		}
		this.threshold = (1L << 31) / weight;
		this.everyRead = (weight == 1);
	}

	/** @return whether the operation is reported: every write, and a sample of the reads */
	boolean reports(MapOperation operation) {
		return this.everyRead || operation.isWrite() || (ThreadLocalRandom.current().nextInt() >>> 1) < this.threshold;
	}

}
