package dev.safemap.guard;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A switch that tells {@link OperationSampler}s when to count: keyed reads are counted, and every
 * keyed write is watched for contention, only while it is open. Whoever owns it opens it for short windows at
 * random times (the hotspots accounting does, for {@code sample-rate} of the time, and scales
 * what was counted by the time it was open; watch mode does, for {@code 1/watch-sampling} of the
 * time, and watches every keyed read made while it is open: {@link WindowCycle}).
 * <p>
 * Opening and closing also tell every guarded map attached to the window, so that the map swaps the
 * object its keyed reads go through: while the window is closed a read goes straight to the map's
 * contents, with no check of its own, and only while it is open through a view that counts it first.
 * A map holds its listener strongly and the window holds it weakly, so an attached map that is no
 * longer used can be collected.
 * <p>
 * Thread-safe: {@link #open()}, {@link #close()} and attaching are serialized on the window;
 * {@link #isOpen()} is one volatile load.
 *
 * @since 0.1.0
 */
public final class ReadWindow {

	volatile boolean open;

	/**
	 * How many operations one counted while the window is open stands for: the period over the time the
	 * window was open in it, as last measured by whoever drives the window ({@link #weigh}); 1 until then.
	 */
	private volatile int weight = 1;

	// guarded by this
	private final List<WeakReference<Listener>> listeners = new ArrayList<>();

	/** Starts counting. */
	public synchronized void open() {
		this.open = true;
		notifyListeners(true);
	}

	/** Stops counting. */
	public synchronized void close() {
		this.open = false;
		notifyListeners(false);
	}

	/** @return whether operations are being counted */
	public boolean isOpen() {
		return this.open;
	}

	/**
	 * Sets what an operation counted while the window is open stands for, from a period just measured.
	 * @param periodOverOpen the period's length over the time the window was open in it (rounded; at least 1)
	 */
	public void weigh(double periodOverOpen) {
		this.weight = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(periodOverOpen)));
	}

	/** @return what an operation counted while the window is open stands for (see {@link #weigh}) */
	public int weight() {
		return this.weight;
	}

	/** Attaches a listener, told at once if the window is open. */
	synchronized void attach(Listener listener) {
		this.listeners.removeIf((reference) -> reference.get() == null);
		this.listeners.add(new WeakReference<>(listener));
		if (this.open) {
			listener.windowChanged(true);
		}
	}

	/** @return whether a listener is still attached (removing those collected) */
	synchronized boolean hasListeners() {
		this.listeners.removeIf((reference) -> reference.get() == null);
		return !this.listeners.isEmpty();
	}

	private void notifyListeners(boolean opened) {
		for (WeakReference<Listener> reference : this.listeners) {
			Listener listener = reference.get();
			if (listener != null) {
				listener.windowChanged(opened);
			}
		}
	}

	/** Told when the window opens or closes, on the thread that opens or closes it. */
	interface Listener {

		void windowChanged(boolean opened);

	}

}
