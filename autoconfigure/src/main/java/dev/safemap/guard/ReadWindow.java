package dev.safemap.guard;

/**
 * A switch that tells {@link OperationSampler}s when to count: reads are counted only while it is open.
 * Whoever owns it opens it for short windows at random times (the hotspots accounting does, for
 * {@code read-sample-rate} of the time) and scales what was counted by the time it was open. Reading
 * it is one volatile load: the whole cost of an uncounted read.
 * <p>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class ReadWindow {

	volatile boolean open;

	/** Starts counting reads. */
	public void open() {
		this.open = true;
	}

	/** Stops counting reads. */
	public void close() {
		this.open = false;
	}

	/** @return whether reads are being counted */
	public boolean isOpen() {
		return this.open;
	}

}
