package dev.safemap.hotspots;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import dev.safemap.guard.WindowCycle;
import dev.safemap.support.KeyMasker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class HotspotsTests {

	private static final CallSite SITE_A = new CallSite("com.example.Orders", "reserve", 42);

	private static final CallSite SITE_B = new CallSite("com.example.Carts", "add", 7);

	private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

	private final List<Hotspots> created = new ArrayList<>();

	/** Counts every read exactly, so that counts are known; read sampling has tests of its own. */
	private Hotspots hotspots(HotspotsConfig.Builder builder) {
		return sampledHotspots(builder.sampleRate(1.0));
	}

	private Hotspots sampledHotspots(HotspotsConfig.Builder builder) {
		Hotspots hotspots = Hotspots.create(builder.clock(this.clock).build());
		this.created.add(hotspots);
		return hotspots;
	}

	@AfterEach
	void closeAll() {
		this.created.forEach(Hotspots::close);
	}

	@Test
	void everyOperationIsCountedExactlyPerKindWhenReadsAreNotSampled() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder());
		MapObserver observer = hotspots.create("orders", GuardMode.GUARD);
		for (int i = 0; i < 1000; i++) {
			observer.operation(MapOperation.GET, "k" + (i % 10));
		}
		for (int i = 0; i < 50; i++) {
			observer.operation(MapOperation.PUT, "k" + i);
		}
		observer.operation(MapOperation.SIZE, null);

		HotspotReport report = hotspots.report("orders", false).orElseThrow();
		assertThat(report.operations()).isEqualTo(1051);
		assertThat(report.operationsByKind()).containsEntry(MapOperation.GET, 1000L)
			.containsEntry(MapOperation.PUT, 50L)
			.containsEntry(MapOperation.SIZE, 1L)
			.containsEntry(MapOperation.REMOVE, 0L);
		assertThat(report.mode()).isEqualTo(GuardMode.GUARD);
		assertThat(report.since()).isEqualTo(this.clock.instant());
	}

	@Test
	void keyedReadsAndWritesAreCountedOnlyWhileTheWindowIsOpenAndScaled() {
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder());
		Map<String, Long> map = GuardedMap.builder("orders")
			.observer(hotspots.create("orders", GuardMode.GUARD))
			.wrap(new HashMap<String, Long>());
		readTimes(map, 1000);
		for (int i = 0; i < 50; i++) {
			map.put("k" + i, 1L);
		}
		hotspots.readWindow().open();
		readTimes(map, 500);
		map.containsKey("k1");
		map.put("k1", 2L);
		map.merge("k1", 1L, Long::sum);
		hotspots.readWindow().close();
		readTimes(map, 1000);
		for (int i = 0; i < 50; i++) {
			map.put("k" + i, 1L);
		}
		map.size();
		hotspots.harvest(64.0);

		HotspotReport report = hotspots.report("orders", false).orElseThrow();
		assertThat(report.operationsByKind()).containsEntry(MapOperation.GET, 500L * 64)
			.containsEntry(MapOperation.CONTAINS_KEY, 64L)
			.containsEntry(MapOperation.PUT, 64L)
			.containsEntry(MapOperation.MERGE, 64L)
			.as("keyless operations are counted exactly")
			.containsEntry(MapOperation.SIZE, 1L);
		// a second harvest adds nothing: what was counted has been taken
		hotspots.harvest(64.0);
		assertThat(hotspots.report("orders", false).orElseThrow().operationsByKind())
			.containsEntry(MapOperation.GET, 500L * 64);
	}

	@Test
	void readsAreEstimatedFromTheCyclesRandomWindowsScaledByTheMeasuredPeriod() {
		// the drain thread's cycle, on a virtual clock: a window of 1 ms at a random moment of every
		// 4 ms period, 150 periods, a reader making 3 reads every 10 us. Each period's window sees a
		// quarter of its reads, and the harvest scales them by the measured period over the window
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder().sampleRate(0.25));
		Map<String, Long> map = GuardedMap.builder("orders")
			.observer(hotspots.create("orders", GuardMode.GUARD))
			.wrap(new HashMap<String, Long>());
		map.put("k", 1L);
		VirtualTimer timer = new VirtualTimer();
		hotspots.readWindowCycle(timer).start();
		long reads = 0;
		long end = 150 * TimeUnit.MILLISECONDS.toNanos(4);
		for (long t = 0; t < end; t += TimeUnit.MICROSECONDS.toNanos(10)) {
			timer.runOnTime(t);
			for (int i = 0; i < 3; i++) {
				map.get("k");
				reads++;
			}
		}
		timer.runOnTime(end);

		long gets = hotspots.report("orders", false).orElseThrow().operationsByKind().get(MapOperation.GET);
		// every period harvested but the reads of the last tick: off by a window's rounding at most
		assertThat(gets).isCloseTo(reads, withinPercentage(2));
		assertThat(hotspots.lateWindows()).isZero();
	}

	@Test
	void contentionOnAHotKeyIsFoundInAWindowThenMeasuredInTheHotWindowsUntilItCoolsDown() throws Exception {
		// at the defaults, writes are watched (and so can be seen waiting) only in the 1 ms read
		// windows, and then, on a stripe where writes of one key met, in the hot windows (4 ms in 32), a
		// meeting there counting for the period over the open time: contention on a hot key is found in a
		// window and estimated from then on, not only in the windows. The test opens both windows and
		// makes the writes wait (latches), so that nothing depends on the machine's speed
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder());
		Map<String, Long> map = GuardedMap.builder("stock")
			.observer(hotspots.create("stock", GuardMode.GUARD))
			.wrap(new HashMap<String, Long>());
		hotspots.hotWindow().open();
		contend(map, "hot");
		hotspots.hotWindow().close();
		assertThat(hotspots.report("stock", true).orElseThrow().contended())
			.as("outside the read window, on a stripe never contended: sampled out").isZero();

		hotspots.readWindow().open();
		contend(map, "hot");
		map.put("cold", 1L);
		hotspots.readWindow().close();
		assertThat(hotspots.report("stock", true).orElseThrow().contended()).as("found in the window").isEqualTo(1);
		hotspots.harvest(64.0);

		contend(map, "hot");
		assertThat(hotspots.report("stock", true).orElseThrow().contended())
			.as("hot stripe, but the hot window is closed").isEqualTo(1);
		hotspots.hotWindow().weigh(8.0);
		for (int i = 0; i < 10; i++) {
			hotspots.hotWindow().open();
			contend(map, "hot");
			hotspots.hotWindow().close();
			hotspots.harvest(64.0);
		}
		HotspotReport report = hotspots.report("stock", true).orElseThrow();
		assertThat(report.contended()).as("measured in the hot windows, period after period: 1 + 10 x 8").isEqualTo(81);
		assertThat(report.waitNanos()).as("each waiter was held at least " + HOLD_MILLIS + " ms, weighted")
			.isGreaterThanOrEqualTo(81 * TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS));
		assertThat(report.hotKeysByContention().get(0).key()).isEqualTo("hot");
		assertThat(report.hotKeysByContention().get(0).count()).isEqualTo(81);
		assertThat(report.operationsByKind()).as("writes are counted only in the read window (one contend), scaled")
			.containsEntry(MapOperation.MERGE, 64L)
			.containsEntry(MapOperation.COMPUTE, 64L)
			.containsEntry(MapOperation.PUT, 64L);

		for (int i = 0; i < 16; i++) {
			hotspots.harvest(64.0);
		}
		hotspots.hotWindow().open();
		contend(map, "hot");
		hotspots.hotWindow().close();
		assertThat(hotspots.report("stock", true).orElseThrow().contended())
			.as("cooled down after 16 periods without contention: sampled out again").isEqualTo(81);
	}

	@Test
	void theHotWindowIsOpenFourMillisecondsInThirtyTwoAndWeighedWithItsMeasuredShare() {
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder());
		assertThat(hotspots.hotWindow().weight()).as("nominal, before the first period ends").isEqualTo(8);
		hotspots.hotWindow().weigh(1.0); // so that only the cycle's own measurement can make it 8 again
		VirtualTimer timer = new VirtualTimer();
		hotspots.hotWindowCycle(timer).start();
		long tick = TimeUnit.MICROSECONDS.toNanos(10);
		long end = TimeUnit.MILLISECONDS.toNanos(800);
		long open = 0;
		for (long t = 0; t < end; t += tick) {
			timer.runOnTime(t);
			if (hotspots.hotWindow().isOpen()) {
				open += tick;
			}
		}
		assertThat((double) open / end).as("share of the time the hot window was open").isCloseTo(1.0 / 8,
				within(0.01));
		assertThat(hotspots.hotWindow().weight()).as("measured period over open time").isEqualTo(8);
	}

	@Test
	void aContendedWriteThatFindsTheSketchesBusyDoesNotWaitAndTheNextReportCountsIt() throws Exception {
		// two writes that met report at about the same time: the second must not wait for the first's
		// sketch updates (a lock handover costs far more than the meeting did)
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder().callSiteSampleRate(0));
		MapAccounting accounting = (MapAccounting) hotspots.create("stock", GuardMode.GUARD);
		Thread reporter = new Thread(() -> accounting.contended(MapOperation.MERGE, "hot", 3, 5_000));
		accounting.contentionLock().lock();
		try {
			reporter.start();
			reporter.join(TimeUnit.SECONDS.toMillis(60));
			assertThat(reporter.isAlive()).as("the contended write waited for the sketches' lock").isFalse();
		}
		finally {
			accounting.contentionLock().unlock();
		}
		HotspotReport report = hotspots.report("stock", true).orElseThrow();
		assertThat(report.contended()).isEqualTo(1);
		assertThat(report.hotKeysByContention()).singleElement()
			.satisfies((hot) -> assertThat(hot.key()).isEqualTo("hot"));
		assertThat(report.waitP99Nanos()).isEqualTo(5_000);
	}

	@Test
	void aWindowThatOpensAPeriodLateIsCountedAndHasEveryStripeWatched() throws Exception {
		// a starved drain thread must not make contention go unseen: the window it could not open in
		// time is counted, and every stripe of every map is watched until it cools down
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder());
		Map<String, Long> map = GuardedMap.builder("stock")
			.observer(hotspots.create("stock", GuardMode.GUARD))
			.wrap(new HashMap<String, Long>());
		VirtualTimer timer = new VirtualTimer();
		hotspots.readWindowCycle(timer).start();
		long period = TimeUnit.MILLISECONDS.toNanos(64);
		timer.runOnTime(period);
		assertThat(hotspots.lateWindows()).as("on time").isZero();
		contend(map, "a");
		assertThat(hotspots.report("stock", true).orElseThrow().contended()).as("on time, outside the windows")
			.isZero();

		// the drain thread gets the CPU again two periods after its window was due
		timer.runLate(4 * period);
		assertThat(hotspots.lateWindows()).isEqualTo(1);
		timer.runOnTime(4 * period + TimeUnit.MILLISECONDS.toNanos(2));
		assertThat(hotspots.readWindow().isOpen()).isFalse();
		// every stripe hot: watched in the hot window, each meeting there standing for its weight
		hotspots.hotWindow().weigh(8.0);
		hotspots.hotWindow().open();
		contend(map, "a");
		contend(map, "b");
		hotspots.hotWindow().close();
		assertThat(hotspots.report("stock", true).orElseThrow().contended())
			.as("after a late window, outside the read windows, on stripes never contended before").isEqualTo(16);
	}

	/** How long {@link #contend} keeps its waiter waiting, at least. */
	private static final long HOLD_MILLIS = 5;

	/**
	 * Makes one merge of {@code key} wait for a compute of the same key: the compute's function holds
	 * the key until the merge is blocked on it, plus {@value #HOLD_MILLIS} ms. Bounded by 60 s, so that
	 * only a hang fails it, never a slow machine.
	 */
	private static void contend(Map<String, Long> map, String key) throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> map.compute(key, (k, v) -> {
			inside.countDown();
			try {
				release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return (v != null) ? v : 0L;
		}));
		holder.start();
		assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
		Thread waiter = new Thread(() -> map.merge(key, 0L, Long::sum));
		waiter.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (waiter.getState() == Thread.State.NEW || waiter.getState() == Thread.State.RUNNABLE) {
			assertThat(System.nanoTime()).as("the waiter never blocked").isLessThan(deadline);
			Thread.onSpinWait();
		}
		Thread.sleep(HOLD_MILLIS);
		release.countDown();
		holder.join();
		waiter.join();
	}

	/**
	 * The read window cycle's clock and scheduler, driven by the test: steps run when the test says,
	 * on time or late (a starved drain thread).
	 */
	static final class VirtualTimer implements WindowCycle.Timer {

		private record Step(long at, long order, Runnable step) {
		}

		private final PriorityQueue<Step> steps = new PriorityQueue<>(
				Comparator.comparingLong(Step::at).thenComparingLong(Step::order));

		private final Random random = new Random(42);

		private long now;

		private long order;

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public boolean schedule(Runnable step, long atNanos) {
			this.steps.add(new Step(atNanos, this.order++, step));
			return true;
		}

		@Override
		public long randomBelow(long bound) {
			return Math.floorMod(this.random.nextLong(), bound);
		}

		/** Runs every step due by {@code time}, each at its own time, as an idle machine would. */
		void runOnTime(long time) {
			while (!this.steps.isEmpty() && this.steps.peek().at() <= time) {
				Step step = this.steps.poll();
				this.now = Math.max(this.now, step.at());
				step.step().run();
			}
			this.now = time;
		}

		/** Runs every step due by {@code time} at {@code time}: the thread got the CPU only then. */
		void runLate(long time) {
			this.now = time;
			while (!this.steps.isEmpty() && this.steps.peek().at() <= time) {
				this.steps.poll().step().run();
			}
		}

	}

	@Test
	void readSamplingKeepsKeySharesUnbiasedBetweenReadsAndWrites() {
		DefaultHotspots hotspots = manualWindowHotspots(
				HotspotsConfig.builder().keySampleRate(1.0).sampleRate(1.0 / 8));
		Map<String, Long> map = GuardedMap.builder("orders")
			.observer(hotspots.create("orders", GuardMode.GUARD))
			.wrap(new HashMap<String, Long>());
		// as many reads of "read" as writes of "write", the window open one round in 8: both must get
		// about half the key samples (while it is open, every operation keeps its key; while it is
		// closed, none). Reports drain the sample buffer after each round; slots overwritten within a
		// round lose reads' and writes' keys alike. About 25,000 samples: a standard error of 0.004
		for (int round = 0; round < 200; round++) {
			if (round % 8 == 0) {
				hotspots.readWindow().open();
			}
			for (int i = 0; i < 1000; i++) {
				map.get("read");
				map.put("write", 1L);
			}
			hotspots.readWindow().close();
			hotspots.report("orders", true);
		}

		HotspotReport report = hotspots.report("orders", true).orElseThrow();
		assertThat(report.hotKeysByOperations()).hasSize(2);
		for (HotKey key : report.hotKeysByOperations()) {
			assertThat(key.share()).as(key.key()).isCloseTo(0.5, within(0.03));
		}
	}

	private DefaultHotspots manualWindowHotspots(HotspotsConfig.Builder builder) {
		DefaultHotspots hotspots = new DefaultHotspots(builder.clock(this.clock).build(), false);
		this.created.add(hotspots);
		return hotspots;
	}

	private static void readTimes(Map<String, Long> map, int times) {
		for (int i = 0; i < times; i++) {
			map.get("k" + (i % 10));
		}
	}

	@Test
	void theMostUsedKeyIsRankedFirstByOperationsAndMasked() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0).topKeys(3));
		MapObserver observer = hotspots.create("sessions", GuardMode.GUARD);
		for (int i = 0; i < 10_000; i++) {
			observer.operation(MapOperation.GET, "alice@example.com");
			observer.operation(MapOperation.GET, "user-" + i);
			if (i % 2 == 0) {
				observer.operation(MapOperation.GET, "bob@example.com");
			}
			if (i % 20 == 0) {
				((DefaultHotspots) hotspots).drainAll();
			}
		}

		HotspotReport report = hotspots.report("sessions", false).orElseThrow();
		assertThat(report.hotKeysByOperations()).hasSizeLessThanOrEqualTo(3);
		HotKey first = report.hotKeysByOperations().get(0);
		assertThat(first.key()).isEqualTo(KeyMasker.shared().mask("alice@example.com"));
		// 10,000 of 25,000 operations: the sample buffer (256 slots here) loses samples that collide
		// before a drain, at random, so the share stays unbiased
		assertThat(first.share()).isBetween(0.36, 0.44);
		assertThat(first.count()).isBetween(9_000L, 11_000L);
		assertThat(report.hotKeysByOperations().get(1).key()).isEqualTo(KeyMasker.shared().mask("bob@example.com"));
	}

	@Test
	void keyCountsAreSharesOfTheExactOperationCount() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0 / 16));
		MapObserver observer = hotspots.create("sessions", GuardMode.GUARD);
		for (int i = 0; i < 160_000; i++) {
			observer.operation(MapOperation.GET, (i % 4 == 0) ? "hot" : "cold-" + (i % 5000));
			if (i % 1000 == 0) {
				((DefaultHotspots) hotspots).drainAll();
			}
		}
		// keyless operations are not part of the base
		observer.operation(MapOperation.SIZE, null);

		HotKey hot = hotspots.report("sessions", false).orElseThrow().hotKeysByOperations().get(0);
		assertThat(hot.key()).isEqualTo(KeyMasker.shared().mask("hot"));
		// 40,000 real operations on "hot", from ~10,000 samples: share 0.25 +- 0.0043 (1 sigma)
		assertThat(hot.share()).isBetween(0.23, 0.27);
		assertThat(hot.count()).isBetween(36_800L, 43_200L);
	}

	@Test
	void aFullSampleBufferStaysAnUnbiasedSample() {
		// no drain during the run: 1,000,000 samples into 1,024 slots, only the survivors count
		Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().keySampleRate(1.0)
			.sampleRate(1.0)
			.drainInterval(java.time.Duration.ofMinutes(1))
			.build());
		MapObserver observer = hotspots.create("sessions", GuardMode.GUARD);
		for (int i = 0; i < 1_000_000; i++) {
			observer.operation(MapOperation.GET, (i % 2 == 0) ? "hot" : "cold-" + i);
		}
		HotKey hot = hotspots.report("sessions", false).orElseThrow().hotKeysByOperations().get(0);
		assertThat(hot.key()).isEqualTo(KeyMasker.shared().mask("hot"));
		// ~650 surviving samples: share 0.5 +- 0.02 (1 sigma)
		assertThat(hot.share()).isBetween(0.4, 0.6);
		assertThat(hot.count()).isBetween(400_000L, 600_000L);
		hotspots.close();
	}

	@Test
	void theDrainThreadStartsWithTheFirstMapAndStopsOnClose() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0));
		Set<Thread> before = drainThreads();
		hotspots.create("m", GuardMode.GUARD);
		Set<Thread> started = drainThreads();
		started.removeAll(before);
		assertThat(started).hasSize(1);
		Thread drainer = started.iterator().next();
		assertThat(drainer.isDaemon()).isTrue();
		hotspots.close();
		assertThat(drainer.isAlive()).isFalse();
		// still usable after close, without a thread: reports drain themselves
		hotspots.create("m", GuardMode.GUARD).operation(MapOperation.GET, "k");
		hotspots.create("m", GuardMode.GUARD).operation(MapOperation.GET, "k");
		assertThat(hotspots.report("m", false).orElseThrow().hotKeysByOperations()).extracting(HotKey::key)
			.containsExactly(KeyMasker.shared().mask("k"));
		Set<Thread> after = drainThreads();
		after.removeAll(before);
		assertThat(after).isEmpty();
	}

	static Set<Thread> drainThreads() {
		Set<Thread> threads = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals("safemap-hotspots-drain") && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	@Test
	void rawKeysAreShownOnlyWhenAsked() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0));
		MapObserver observer = hotspots.create("sessions", GuardMode.GUARD);
		observer.operation(MapOperation.GET, "alice@example.com");
		observer.operation(MapOperation.GET, "alice@example.com");
		observer.contended(MapOperation.PUT, "alice@example.com", 3, 1_000);

		assertThat(hotspots.report("sessions", true).orElseThrow().hotKeysByOperations())
			.extracting(HotKey::key)
			.containsExactly("alice@example.com");
		assertThat(hotspots.report("sessions", false).orElseThrow().toString()).doesNotContain("alice");
	}

	@Test
	void aKeySampledOnceIsNotListedAsHot() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0));
		MapObserver observer = hotspots.create("sessions", GuardMode.GUARD);
		for (int i = 0; i < 100; i++) {
			observer.operation(MapOperation.GET, "once-" + i);
		}
		observer.operation(MapOperation.GET, "twice");
		// a report drains the sample buffer: without it the second sample could land in the first one's slot (slots
		// are chosen at random, a later sample replaces an undrained one) and "twice" would be seen once (about one
		// run in a thousand, seen on 2026-12-04)
		hotspots.report("sessions", false);
		observer.operation(MapOperation.GET, "twice");
		assertThat(hotspots.report("sessions", false).orElseThrow().hotKeysByOperations()).extracting(HotKey::key)
			.containsExactly(KeyMasker.shared().mask("twice"));
	}

	@Test
	void contendedOperationsAreRankedByKeyWithWaitAndSegments() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(0));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 100; i++) {
			observer.operation(MapOperation.MERGE, "sku-1");
			observer.contended(MapOperation.MERGE, "sku-1", 5, 2_000);
		}
		for (int i = 0; i < 10; i++) {
			observer.operation(MapOperation.MERGE, "sku-2");
			observer.contended(MapOperation.MERGE, "sku-2", 9, 100_000);
		}
		for (int i = 0; i < 890; i++) {
			observer.operation(MapOperation.GET, "sku-" + i);
		}

		HotspotReport report = hotspots.report("stock", false).orElseThrow();
		assertThat(report.contended()).isEqualTo(110);
		assertThat(report.contentionRate()).isEqualTo(0.11);
		assertThat(report.waitNanos()).isEqualTo(100 * 2_000 + 10 * 100_000);
		assertThat(report.hotKeysByContention()).extracting(HotKey::key)
			.containsExactly(KeyMasker.shared().mask("sku-1"), KeyMasker.shared().mask("sku-2"));
		HotKey first = report.hotKeysByContention().get(0);
		assertThat(first.count()).isEqualTo(100);
		assertThat(first.waitNanos()).isEqualTo(200_000);
		assertThat(first.share()).isCloseTo(100.0 / 110, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(report.waitP50Nanos()).isEqualTo(2_000);
		assertThat(report.waitP99Nanos()).isEqualTo(100_000);
		assertThat(report.waitMaxNanos()).isEqualTo(100_000);
		// the meters read the same sketch: one estimate, not two
		MapStats stats = hotspots.stats("stock").orElseThrow();
		assertThat(stats.waitQuantileNanos(0.5)).isEqualTo(report.waitP50Nanos());
		assertThat(stats.waitQuantileNanos(0.99)).isEqualTo(report.waitP99Nanos());
		assertThat(report.segments()).extracting(SegmentCount::segment).containsExactly(5, 9);
		assertThat(report.segments().get(0).contended()).isEqualTo(100);
	}

	@Test
	void callSitesAreRankedByWaitAndJoinedWithTheirKeys() {
		AtomicInteger calls = new AtomicInteger();
		CallSite[] next = { SITE_A };
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(1.0).callSiteCapture(() -> {
			calls.incrementAndGet();
			return next[0];
		}));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 20; i++) {
			observer.contended(MapOperation.MERGE, "sku-1", 1, 5_000);
		}
		next[0] = SITE_B;
		for (int i = 0; i < 30; i++) {
			observer.contended(MapOperation.PUT, "sku-2", 2, 1_000);
		}

		HotspotReport report = hotspots.report("stock", false).orElseThrow();
		assertThat(calls).hasValue(50);
		assertThat(report.callSiteSamples()).isEqualTo(50);
		assertThat(report.callSites()).extracting(CallSiteStats::site).containsExactly(SITE_A, SITE_B);
		CallSiteStats first = report.callSites().get(0);
		assertThat(first.samples()).isEqualTo(20);
		assertThat(first.waitNanos()).isEqualTo(100_000);
		assertThat(first.maxWaitNanos()).isEqualTo(5_000);
		assertThat(first.share()).isEqualTo(0.4);
		assertThat(first.topKeys()).containsExactly(KeyMasker.shared().mask("sku-1"));
		assertThat(report.callSites().get(1).topKeys()).containsExactly(KeyMasker.shared().mask("sku-2"));
	}

	@Test
	void callSitesAreSampledAtTheConfiguredRate() {
		AtomicInteger calls = new AtomicInteger();
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(0.1).callSiteCapture(() -> {
			calls.incrementAndGet();
			return SITE_A;
		}));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 20_000; i++) {
			observer.contended(MapOperation.PUT, "k", 0, 10);
		}
		// binomial(20000, 0.1): mean 2000, sd 42
		assertThat(calls.get()).isBetween(1800, 2200);
	}

	@Test
	void inSampledWindowsCallSitesAreCapturedAFewTimesPerPeriodWhateverTheContentionRate() {
		// a stack walk allocates kilobytes: under heavy contention, a fraction of every contended write
		// would make the write path allocate in proportion to the operation rate; a few per period rank
		// the call sites as well and keep the allocation bounded in time
		AtomicInteger calls = new AtomicInteger();
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder().callSiteSampleRate(0.5)
			.callSiteCapture(() -> {
				calls.incrementAndGet();
				return SITE_A;
			}));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 1_000; i++) {
			observer.contended(MapOperation.PUT, "k", 0, 10);
		}
		assertThat(calls).hasValue(MapAccounting.CALL_SITES_PER_PERIOD);
		hotspots.harvest(64.0);
		for (int i = 0; i < 1_000; i++) {
			observer.contended(MapOperation.PUT, "k", 0, 10);
		}
		assertThat(calls).as("the next period captures again").hasValue(2 * MapAccounting.CALL_SITES_PER_PERIOD);
		assertThat(hotspots.report("stock", false).orElseThrow().callSiteSamples())
			.isEqualTo(2 * MapAccounting.CALL_SITES_PER_PERIOD);
	}

	@Test
	void atCallSiteRateOneEveryContendedOperationHasItsCallSiteEvenInSampledWindows() {
		AtomicInteger calls = new AtomicInteger();
		DefaultHotspots hotspots = manualWindowHotspots(HotspotsConfig.builder().callSiteSampleRate(1.0)
			.callSiteCapture(() -> {
				calls.incrementAndGet();
				return SITE_A;
			}));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 1_000; i++) {
			observer.contended(MapOperation.PUT, "k", 0, 10);
		}
		assertThat(calls).hasValue(1_000);
	}

	@Test
	void noCallSiteIsCapturedAtRateZero() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(0).callSiteCapture(() -> {
			throw new AssertionError("must not be called");
		}));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		observer.contended(MapOperation.PUT, "k", 0, 10);
		assertThat(hotspots.report("stock", false).orElseThrow().callSites()).isEmpty();
	}

	@Test
	void callSitesBeyondTheMaximumAreCountedAsUnknown() {
		int[] line = { 0 };
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(1.0).maxCallSites(2).callSiteCapture(
				() -> new CallSite("com.example.Gen", "m", line[0]++)));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		for (int i = 0; i < 10; i++) {
			observer.contended(MapOperation.PUT, "k", 0, 10);
		}
		HotspotReport report = hotspots.report("stock", false).orElseThrow();
		assertThat(report.callSites()).hasSize(3).extracting(CallSiteStats::site).contains(CallSite.UNKNOWN);
		assertThat(report.callSites()).filteredOn((s) -> s.site().equals(CallSite.UNKNOWN))
			.singleElement()
			.extracting(CallSiteStats::samples)
			.isEqualTo(8L);
	}

	@Test
	void everyRaceDetectedIsCountedAndReportsSeparatelyAndTheNewestKept() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().recentRaces(2));
		MapObserver observer = hotspots.create("legacy", GuardMode.DETECT);
		for (int i = 0; i < 3; i++) {
			observer.raceDetected(RaceReport.Kind.CONCURRENT_WRITE, MapOperation.PUT);
			observer.race(race("legacy", "#k" + i, RaceReport.Kind.CONCURRENT_WRITE));
		}
		observer.raceDetected(RaceReport.Kind.LOST_UPDATE, MapOperation.PUT);
		observer.race(race("legacy", "#k9", RaceReport.Kind.LOST_UPDATE));
		// repeats of the same race within a second are detected, not reported
		for (int i = 0; i < 1_000; i++) {
			observer.raceDetected(RaceReport.Kind.LOST_UPDATE, MapOperation.PUT);
		}

		HotspotReport report = hotspots.report("legacy", false).orElseThrow();
		assertThat(report.races()).containsEntry(RaceReport.Kind.CONCURRENT_WRITE, 3L)
			.containsEntry(RaceReport.Kind.LOST_UPDATE, 1_001L)
			.containsEntry(RaceReport.Kind.WRITE_DURING_ITERATION, 0L);
		assertThat(report.totalRaces()).isEqualTo(1_004);
		assertThat(report.reportedRaces()).containsEntry(RaceReport.Kind.CONCURRENT_WRITE, 3L)
			.containsEntry(RaceReport.Kind.LOST_UPDATE, 1L)
			.containsEntry(RaceReport.Kind.WRITE_DURING_ITERATION, 0L);
		assertThat(report.totalReportedRaces()).isEqualTo(4);
		assertThat(report.recentRaces()).extracting(RaceReport::maskedKey).containsExactly("#k9", "#k2");
		MapStats stats = hotspots.stats("legacy").orElseThrow();
		assertThat(stats.races(RaceReport.Kind.LOST_UPDATE)).isEqualTo(1_001);
		assertThat(stats.reportedRaces(RaceReport.Kind.LOST_UPDATE)).isEqualTo(1);
	}

	@Test
	void resetStartsTheReportAfreshButKeepsMonotonicStats() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0).callSiteCapture(() -> SITE_A));
		MapObserver observer = hotspots.create("stock", GuardMode.GUARD);
		MapObserver other = hotspots.create("other", GuardMode.GUARD);
		for (int i = 0; i < 10; i++) {
			observer.operation(MapOperation.PUT, "k");
			observer.contended(MapOperation.PUT, "k", 1, 100);
			other.operation(MapOperation.PUT, "k");
		}
		observer.raceDetected(RaceReport.Kind.CONCURRENT_WRITE, MapOperation.PUT);
		observer.race(race("stock", "#k", RaceReport.Kind.CONCURRENT_WRITE));

		assertThat(hotspots.reset("stock")).isTrue();
		assertThat(hotspots.reset("nope")).isFalse();

		HotspotReport report = hotspots.report("stock", false).orElseThrow();
		assertThat(report.operations()).isZero();
		assertThat(report.contended()).isZero();
		assertThat(report.waitNanos()).isZero();
		assertThat(report.waitP99Nanos()).isZero();
		assertThat(report.hotKeysByOperations()).isEmpty();
		assertThat(report.hotKeysByContention()).isEmpty();
		assertThat(report.callSites()).isEmpty();
		assertThat(report.segments()).isEmpty();
		assertThat(report.recentRaces()).isEmpty();
		assertThat(report.totalRaces()).isZero();
		assertThat(report.totalReportedRaces()).isZero();
		assertThat(hotspots.report("other", false).orElseThrow().operations()).isEqualTo(10);
		MapStats stats = hotspots.stats("stock").orElseThrow();
		assertThat(stats.operations()).isEqualTo(10);
		assertThat(stats.contended()).isEqualTo(10);
		assertThat(stats.races(RaceReport.Kind.CONCURRENT_WRITE)).isEqualTo(1);
		assertThat(stats.reportedRaces(RaceReport.Kind.CONCURRENT_WRITE)).isEqualTo(1);

		observer.operation(MapOperation.GET, "k");
		assertThat(hotspots.report("stock", false).orElseThrow().operations()).isEqualTo(1);

		hotspots.resetAll();
		assertThat(hotspots.reports(false)).extracting(HotspotReport::operations).containsOnly(0L);
	}

	@Test
	void sameNameGivesSameObserverAndNamesAreSorted() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder());
		MapObserver first = hotspots.create("b", GuardMode.GUARD);
		hotspots.create("a", GuardMode.DETECT);
		assertThat(hotspots.create("b", GuardMode.DETECT)).isSameAs(first);
		assertThat(hotspots.mapNames()).containsExactly("a", "b");
		assertThat(hotspots.reports(false)).extracting(HotspotReport::mapName).containsExactly("a", "b");
		assertThat(hotspots.report("unknown", false)).isEmpty();
		assertThat(hotspots.stats("unknown")).isEmpty();
	}

	@Test
	void listenersHearExistingAndNewMapsAndRareEvents() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteSampleRate(0));
		hotspots.create("early", GuardMode.GUARD);
		List<String> events = new ArrayList<>();
		hotspots.addListener(new HotspotsListener() {

			@Override
			public void mapAdded(MapStats map) {
				events.add("added " + map.mapName());
			}

			@Override
			public void contended(MapStats map, MapOperation operation, long waitNanos) {
				events.add("contended " + map.mapName() + " " + operation + " " + waitNanos);
			}

			@Override
			public void race(MapStats map, RaceReport report) {
				events.add("race " + map.mapName());
			}

		});
		MapObserver late = hotspots.create("late", GuardMode.DETECT);
		late.contended(MapOperation.PUT, "k", 0, 77);
		late.race(race("late", "#k", RaceReport.Kind.LOST_UPDATE));

		assertThat(events).containsExactly("added early", "added late", "contended late PUT 77", "race late");
	}

	@Test
	void failingKeysCallbacksAndListenersNeverBreakTheMap() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().keySampleRate(1.0).callSiteSampleRate(1.0)
			.callSiteCapture(() -> {
				throw new IllegalStateException("boom");
			}));
		hotspots.addListener(new HotspotsListener() {
			@Override
			public void contended(MapStats map, MapOperation operation, long waitNanos) {
				throw new IllegalStateException("listener boom");
			}
		});
		MapObserver observer = hotspots.create("m", GuardMode.GUARD);
		Object badKey = new Object() {
			@Override
			public int hashCode() {
				throw new IllegalStateException("hash boom");
			}
		};
		observer.operation(MapOperation.GET, badKey);
		observer.contended(MapOperation.PUT, badKey, 0, 10);
		observer.contended(MapOperation.PUT, "k", 0, 10);

		HotspotReport report = hotspots.report("m", false).orElseThrow();
		assertThat(report.operations()).isEqualTo(1);
		assertThat(report.contended()).isEqualTo(2);
	}

	@Test
	void concurrentUseLosesNoCount() throws Exception {
		Hotspots hotspots = hotspots(HotspotsConfig.builder().callSiteCapture(() -> SITE_A));
		MapObserver observer = hotspots.create("m", GuardMode.GUARD);
		int threads = 4;
		int perThread = 50_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int id = t;
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				for (int i = 0; i < perThread; i++) {
					observer.operation(MapOperation.GET, (i % 2 == 0) ? "hot" : "k" + id + "-" + i);
					if (i % 100 == 0) {
						observer.contended(MapOperation.PUT, "hot", 0, 10);
					}
				}
			}, "safemap-hotspots-test-" + t);
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		HotspotReport report = hotspots.report("m", false).orElseThrow();
		assertThat(report.operations()).isEqualTo((long) threads * perThread);
		assertThat(report.contended()).isEqualTo(threads * (perThread / 100));
		assertThat(report.hotKeysByContention().get(0).count()).isEqualTo(threads * (perThread / 100));
		assertThat(report.hotKeysByOperations().get(0).key()).isEqualTo(KeyMasker.shared().mask("hot"));
	}

	@Test
	void operationsOfEndedThreadsStayCounted() throws Exception {
		DefaultHotspots hotspots = (DefaultHotspots) hotspots(HotspotsConfig.builder());
		MapObserver observer = hotspots.create("m", GuardMode.GUARD);
		for (int t = 0; t < 8; t++) {
			Thread worker = new Thread(() -> {
				for (int i = 0; i < 1000; i++) {
					observer.operation(MapOperation.PUT, "k" + i);
				}
			}, "safemap-hotspots-test-short-lived");
			worker.start();
			worker.join();
		}
		assertThat(hotspots.stats("m").orElseThrow().operations()).isEqualTo(8000);
		// once the collector has cleared the ended threads' tokens, their cells are folded: same total
		for (int i = 0; i < 3; i++) {
			System.gc();
			hotspots.drainAll();
		}
		assertThat(hotspots.stats("m").orElseThrow().operations(MapOperation.PUT)).isEqualTo(8000);
		assertThat(hotspots.report("m", false).orElseThrow().operations()).isEqualTo(8000);
		hotspots.close();
	}

	@Test
	void nullArgumentsAreRejected() {
		Hotspots hotspots = hotspots(HotspotsConfig.builder());
		assertThatNullPointerException().isThrownBy(() -> hotspots.create(null, GuardMode.GUARD))
			.withMessageContaining("mapName");
		assertThatNullPointerException().isThrownBy(() -> hotspots.create("m", null)).withMessageContaining("mode");
		assertThatNullPointerException().isThrownBy(() -> hotspots.addListener(null));
	}

	static RaceReport race(String map, String maskedKey, RaceReport.Kind kind) {
		return new RaceReport(map, kind, MapOperation.PUT, maskedKey, SITE_A, SITE_B, "t1", "t2",
				Instant.parse("2026-01-01T00:00:00Z"));
	}

}
