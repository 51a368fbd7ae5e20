package dev.safemap.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Opens and closes watch mode's windows: for each sampling value {@code oneIn} above 1, one shared
 * {@link ReadWindow}, open for {@value #WINDOW_MILLIS} ms at a uniformly random moment of every
 * period of {@code oneIn} × {@value #WINDOW_MILLIS} ms ({@link WindowCycle}), so that reads are
 * watched {@code 1/oneIn} of the time. At {@code oneIn} 1 the window is always open and nothing is
 * scheduled.
 * <p>
 * <b>Threads:</b> one daemon thread, {@value #THREAD_NAME}, created when the first watch-mode map
 * with a sampling above 1 attaches, and only then: no other map starts it. A cycle ends at the start
 * of a period when no map is attached to its window any more (the window holds its maps weakly: a map
 * no longer used is collected), and the thread ends when no cycle is left; a later watch-mode map
 * starts them again.
 * <p>
 * On a machine whose CPUs are busy the thread may open a window late: that period is then watched
 * for less than its share of the time (detection slows down, nothing is reported wrongly).
 * <p>
 * Thread-safe: attaching and ending cycles are serialized on the instance ({@link #SHARED} for the
 * maps the builder makes).
 */
final class WatchWindows {

	/** Default sampling: reads are watched 1/64 of the time. */
	static final int DEFAULT_SAMPLING = 64;

	/** How long a watch window stays open each period. */
	static final long WINDOW_MILLIS = 1;

	static final String THREAD_NAME = "safemap-watch-windows";

	/** The windows of every watch-mode map built without a window of its own. */
	static final WatchWindows SHARED = new WatchWindows(THREAD_NAME);

	/** The window of {@code oneIn} 1: always open. */
	private static final ReadWindow ALWAYS_OPEN = new ReadWindow();

	static {
		ALWAYS_OPEN.open();
	}

	private final String threadName;

	// guarded by this
	private final Map<Integer, ReadWindow> cycles = new HashMap<>();

	// guarded by this
	private @Nullable ScheduledThreadPoolExecutor executor;

	/** @param threadName the name of the thread, when there is one */
	WatchWindows(String threadName) {
		this.threadName = threadName;
	}

	/**
	 * Attaches a watch-mode map's listener to the shared window of its sampling, starting that
	 * window's cycle (and the thread) if it is not running.
	 * @param oneIn the map's sampling: its reads are watched {@code 1/oneIn} of the time
	 * @param listener the map's listener, held weakly by the window
	 */
	synchronized void attach(int oneIn, ReadWindow.Listener listener) {
		if (oneIn == 1) {
			ALWAYS_OPEN.attach(listener);
			return;
		}
		ReadWindow window = this.cycles.get(oneIn);
		if (window == null) {
			window = new ReadWindow();
			this.cycles.put(oneIn, window);
			window.attach(listener);
			ReadWindow cycled = window;
			new WindowCycle(cycled, WindowCycle.Timer.of(executor()), windowNanos(), windowNanos() * oneIn,
					new WindowCycle.Hooks() {
						@Override
						public boolean beforePeriod() {
							return stillUsed(oneIn, cycled);
						}
					}).start();
		}
		else {
			window.attach(listener);
		}
	}

	private static long windowNanos() {
		return TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
	}

	/**
	 * For tests: the cycle the thread runs for sampling {@code oneIn}, on {@code timer}; it ends when no
	 * listener is attached to {@code window}.
	 */
	static WindowCycle cycle(int oneIn, ReadWindow window, WindowCycle.Timer timer) {
		return new WindowCycle(window, timer, windowNanos(), windowNanos() * oneIn, new WindowCycle.Hooks() {
			@Override
			public boolean beforePeriod() {
				return window.hasListeners();
			}
		});
	}

	private synchronized boolean stillUsed(int oneIn, ReadWindow window) {
		if (window.hasListeners()) {
			return true;
		}
		if (this.cycles.get(oneIn) == window) {
			this.cycles.remove(oneIn);
		}
		return false;
	}

	/** For tests: whether any cycle is running (the thread is alive, or about to end). */
	synchronized boolean running() {
		return !this.cycles.isEmpty();
	}

	private ScheduledThreadPoolExecutor executor() {
		ScheduledThreadPoolExecutor current = this.executor;
		if (current == null) {
			current = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, this.threadName);
				thread.setDaemon(true);
				return thread;
			});
			// the thread ends when no step is queued, that is when every cycle has ended
			current.setKeepAliveTime(1, TimeUnit.SECONDS);
			current.allowCoreThreadTimeOut(true);
			current.setRemoveOnCancelPolicy(true);
			this.executor = current;
		}
		return current;
	}

}
