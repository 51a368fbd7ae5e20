package dev.safemap.guard;

import java.util.HashMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watch mode's windows: open {@code 1/sampling} of the time (driven on a virtual clock), a cycle that
 * ends when no map uses it, a thread only for a sampling above 1, and none of it for guard mode.
 * Tests that start a thread use their own {@link WatchWindows}, not the JVM-wide shared one.
 */
class WatchWindowsTests {

	@Test
	void theWindowIsOpenOneSixtyFourthOfTheTimeAtTheDefaultSampling() {
		ReadWindow window = new ReadWindow();
		ReadWindow.Listener listener = (opened) -> {
		};
		window.attach(listener);
		WatchModeDetectionRateTests.VirtualTimer timer = new WatchModeDetectionRateTests.VirtualTimer(new Random(1));
		WatchWindows.cycle(WatchWindows.DEFAULT_SAMPLING, window, timer).start();
		long step = TimeUnit.MICROSECONDS.toNanos(10);
		long open = 0;
		long total = TimeUnit.SECONDS.toNanos(10);
		for (long t = 0; t < total; t += step) {
			timer.advance(step);
			if (window.isOpen()) {
				open += step;
			}
		}
		double share = (double) open / total;
		assertThat(share).isBetween(1.0 / 64 * 0.95, 1.0 / 64 * 1.05);
		assertThat(listener).isNotNull(); // held until here: the window holds it weakly
	}

	@Test
	void aCycleEndsAtItsNextPeriodWhenNoMapIsAttached() {
		ReadWindow window = new ReadWindow();
		WatchModeDetectionRateTests.VirtualTimer timer = new WatchModeDetectionRateTests.VirtualTimer(new Random(2));
		WatchWindows.cycle(4, window, timer).start();
		timer.advance(TimeUnit.SECONDS.toNanos(1));
		assertThat(window.isOpen()).isFalse();
		assertThat(timer.pending()).as("steps left scheduled").isZero();
	}

	@Test
	void samplingOneSchedulesNothingAndSixtyFourStartsTheThread() {
		WatchWindows windows = new WatchWindows("test-watch-windows");
		ReadWindow.Listener always = (opened) -> {
		};
		windows.attach(1, always);
		assertThat(windows.running()).as("sampling 1: always open, nothing scheduled").isFalse();
		assertThat(threadRunning("test-watch-windows")).isFalse();
		boolean[] open = new boolean[1];
		ReadWindow.Listener sampled = (opened) -> open[0] = opened;
		windows.attach(64, sampled);
		assertThat(windows.running()).isTrue();
		assertThat(threadRunning("test-watch-windows")).isTrue();
		assertThat(always).isNotNull(); // held until here: windows hold listeners weakly
		assertThat(sampled).isNotNull();
	}

	@Test
	void aGuardModeMapAttachesNothingToTheSharedWindows() {
		boolean before = WatchWindows.SHARED.running();
		GuardedMap<String, Integer> guard = GuardedMap.guard("plain", new HashMap<>());
		guard.get("k");
		GuardedMap<String, Integer> observed = GuardedMap.builder("observed").observer(new MapObserver() {
		}).wrap(new HashMap<>());
		observed.get("k");
		assertThat(WatchWindows.SHARED.running()).isEqualTo(before);
		assertThat(guard).isNotInstanceOf(WatchingMap.class);
		assertThat(observed).isNotInstanceOf(WatchingMap.class);
	}

	private static boolean threadRunning(String name) {
		return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> thread.getName().equals(name));
	}

}
