package dev.safemap.guard;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Drives a {@link ReadWindow} so that it is open a fraction of the time: one period after another,
 * wait for a uniformly random moment of the period, open the window, close it {@code windowNanos}
 * later, wait for the period's end, then start the next period. Each step schedules the next on a
 * {@link Timer}, so a timer that refuses a step (closed) ends the cycle, and the window is closed.
 * Used by the hotspots accounting (which harvests its counts at each period's end) and by watch mode
 * ({@link WatchWindows}).
 * <p>
 * Thread-safety: the steps run on the timer's thread, one at a time; {@link #start()} is called once.
 *
 * @since 0.1.0
 */
public final class WindowCycle {

	private final ReadWindow window;

	private final Timer timer;

	private final Hooks hooks;

	private final long windowNanos;

	private final long periodNanos;

	/**
	 * @param window the window to open and close
	 * @param timer where the cycle reads the time and schedules its steps
	 * @param windowNanos how long the window stays open each period
	 * @param periodNanos how long a period lasts, at least {@code windowNanos}
	 * @param hooks told of late windows and periods' ends
	 * @throws IllegalArgumentException if a length is out of range (its value is in the message)
	 */
	public WindowCycle(ReadWindow window, Timer timer, long windowNanos, long periodNanos, Hooks hooks) {
		this.window = Objects.requireNonNull(window, "window must not be null");
		this.timer = Objects.requireNonNull(timer, "timer must not be null");
		this.hooks = Objects.requireNonNull(hooks, "hooks must not be null");
		if (windowNanos <= 0) {
			throw new IllegalArgumentException("windowNanos must be positive but was " + windowNanos);
		}
		if (periodNanos < windowNanos) {
			throw new IllegalArgumentException(
					"periodNanos must be at least windowNanos (" + windowNanos + ") but was " + periodNanos);
		}
		this.windowNanos = windowNanos;
		this.periodNanos = periodNanos;
	}

	/** Starts the first period now. */
	public void start() {
		start(this.timer.nanoTime());
	}

	private void start(long periodStart) {
		if (!this.hooks.beforePeriod()) {
			return; // the owner ends the cycle
		}
		long due = periodStart + this.timer.randomBelow(this.periodNanos - this.windowNanos + 1);
		later(() -> open(periodStart, due), due);
	}

	private void open(long periodStart, long due) {
		long opened = this.timer.nanoTime();
		if (opened - due > this.periodNanos) {
			this.hooks.openedLate(opened - due);
		}
		this.window.open();
		later(() -> close(periodStart, opened), opened + this.windowNanos);
	}

	private void close(long periodStart, long opened) {
		this.window.close();
		long closed = this.timer.nanoTime();
		later(() -> end(periodStart, closed - opened), Math.max(periodStart + this.periodNanos, closed));
	}

	private void end(long periodStart, long openNanos) {
		long end = this.timer.nanoTime();
		try {
			this.hooks.periodEnded(end - periodStart, openNanos);
		}
		finally {
			start(end);
		}
	}

	private void later(Runnable step, long atNanos) {
		if (!this.timer.schedule(step, atNanos)) {
			// closed: the cycle ends
			this.window.close();
		}
	}

	/**
	 * Where the cycle reads the time and schedules its next step: a scheduler thread and
	 * {@link System#nanoTime()}, or, in tests, a virtual clock.
	 */
	public interface Timer {

		/** @return the time now, in nanoseconds */
		long nanoTime();

		/**
		 * Runs {@code step} at {@code atNanos}, or as soon after as the timer can.
		 * @return {@code false} when the timer is closed: the cycle ends
		 */
		boolean schedule(Runnable step, long atNanos);

		/** @return a uniformly random number from 0 (inclusive) to {@code bound} (exclusive) */
		long randomBelow(long bound);

		/**
		 * A timer on a scheduler thread: {@link System#nanoTime()}, steps scheduled on {@code executor}
		 * (closed once it rejects them), {@link ThreadLocalRandom}.
		 * @param executor runs the steps
		 * @return the timer
		 */
		static Timer of(ScheduledExecutorService executor) {
			return new Timer() {

				@Override
				public long nanoTime() {
					return System.nanoTime();
				}

				@Override
				public boolean schedule(Runnable step, long atNanos) {
					try {
						executor.schedule(step, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
						return true;
					}
					catch (RejectedExecutionException ex) {
						return false;
					}
				}

				@Override
				public long randomBelow(long bound) {
					return ThreadLocalRandom.current().nextLong(bound);
				}

			};
		}

	}

	/** What the cycle tells its owner, on the timer's thread. */
	public interface Hooks {

		/** @return whether to run another period; {@code false} ends the cycle */
		default boolean beforePeriod() {
			return true;
		}

		/** The window opened {@code lateNanos} after its moment, more than a whole period: the timer's thread was starved. */
		default void openedLate(long lateNanos) {
		}

		/**
		 * A period ended.
		 * @param periodNanos its measured length
		 * @param openNanos how long the window was open in it
		 */
		default void periodEnded(long periodNanos, long openNanos) {
		}

	}

}
