package dev.safemap.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a detect-mode write captures its call site (a {@link StackWalker} walk, the expensive part of
 * detect mode): only when a lost-update report could name it, that is when another thread's latest read
 * (not yet followed by a write of that thread) was of the same key, within the window. The map watches a
 * {@code ConcurrentHashMap}, so that no concurrent-write or iteration bookkeeping captures anything, and
 * its clock stands still. Counted with the map's {@code sitesCaptured()} hook.
 */
class DetectModeCallSiteCaptureTests {

	/** Long keys hash to their value: key 1 and this key share a slot of the stamp table. */
	private static final long SAME_SLOT = 1L + StampTable.SLOTS;

	private final ExecutorService other = Executors.newSingleThreadExecutor();

	private final GuardedMapRegistry registry = new GuardedMapRegistry();

	private final AtomicLong now = new AtomicLong();

	private final DetectingMap<Long, Long> map = detect();

	private DetectingMap<Long, Long> detect() {
		GuardedMap<Long, Long> detect = GuardedMap.builder("captures")
			.mode(GuardMode.DETECT)
			.registry(this.registry)
			.ticker(this.now::get)
			.wrap(new ConcurrentHashMap<Long, Long>());
		return (DetectingMap<Long, Long>) detect;
	}

	@AfterEach
	void stopOther() throws InterruptedException {
		this.other.shutdownNow();
		assertThat(this.other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aWriteCapturesNoCallSiteWhenAnotherThreadReadOnlyOtherKeysOfItsSlot() throws Exception {
		assertThat(StampTable.slot(StampTable.hash(SAME_SLOT))).isEqualTo(StampTable.slot(StampTable.hash(1L)));
		onOther(() -> this.map.get(SAME_SLOT));
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isZero();
		assertThat(this.registry.raceCount("captures")).isZero();
	}

	@Test
	void aWriteCapturesNoCallSiteWhenTheOtherThreadReadAnotherKeySinceItsReadOfThisOne() throws Exception {
		onOther(() -> {
			this.map.get(1L);
			this.map.get(2L); // this thread's read of key 1 can no longer end in a lost update
		});
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isZero();
	}

	@Test
	void aWriteCapturesNoCallSiteWhenTheOtherThreadWroteSinceItsReadOfThisKey() throws Exception {
		onOther(() -> {
			this.map.get(1L);
			this.map.put(3L, 3L);
		});
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isZero();
	}

	@Test
	void aWriteCapturesItsCallSiteWhenAnotherThreadsLatestReadIsOfItsKeyAndTheLostUpdateNamesIt() throws Exception {
		onOther(() -> this.map.get(1L));
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isOne();
		onOther(() -> this.map.put(1L, 2L)); // the other thread's check-then-act completes: a lost update
		assertThat(this.registry.recentReports("captures")).singleElement().satisfies((report) -> {
			assertThat(report.kind()).isEqualTo(RaceReport.Kind.LOST_UPDATE);
			assertThat(report.otherSite().methodName())
				.isEqualTo("aWriteCapturesItsCallSiteWhenAnotherThreadsLatestReadIsOfItsKeyAndTheLostUpdateNamesIt");
		});
	}

	@Test
	void aWriteCapturesNoCallSiteWhenOnlyItsOwnThreadReadTheKey() {
		this.map.get(1L);
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isZero();
	}

	@Test
	void aWriteCapturesNoCallSiteWhenTheOtherThreadsReadOfTheKeyIsOlderThanTheWindow() throws Exception {
		onOther(() -> this.map.get(1L));
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(2));
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isZero();
	}

	@Test
	void aThreadBeyondTheReaderCellsStillHasItsLostUpdateReportedWithBothCallSites() throws Exception {
		CountDownLatch read = new CountDownLatch(StampTable.CELLS);
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> holders = readers(StampTable.CELLS, read, release); // they keep every cell
		try {
			assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
			onOther(() -> this.map.get(1L)); // a thread without a cell of its own
			this.map.put(SAME_SLOT, 0L);
			assertThat(this.map.sitesCaptured()).as("conservative: any key of a slot it read").isOne();
			this.map.put(1L, 1L);
			onOther(() -> this.map.put(1L, 2L));
			assertThat(this.registry.recentReports("captures")).singleElement().satisfies((report) -> {
				assertThat(report.kind()).isEqualTo(RaceReport.Kind.LOST_UPDATE);
				assertThat(report.otherSite().methodName())
					.isEqualTo("aThreadBeyondTheReaderCellsStillHasItsLostUpdateReportedWithBothCallSites");
			});
		}
		finally {
			release.countDown();
			for (Thread holder : holders) {
				holder.join(10_000);
			}
		}
	}

	@Test
	void theCellsOfThreadsThatEndedAreTakenByNewReaders() throws Exception {
		CountDownLatch read = new CountDownLatch(StampTable.CELLS);
		CountDownLatch release = new CountDownLatch(0);
		for (Thread holder : readers(StampTable.CELLS, read, release)) {
			holder.join(10_000);
			assertThat(holder.isAlive()).isFalse();
		}
		onOther(() -> this.map.get(1L)); // takes the cell of an ended thread: precise again
		this.map.put(SAME_SLOT, 0L);
		assertThat(this.map.sitesCaptured()).isZero();
		this.map.put(1L, 1L);
		assertThat(this.map.sitesCaptured()).isOne();
	}

	@Test
	void everyLostUpdateFoundGetsBothCallSitesUnderFreeRunningRacingThreads() throws Exception {
		everyLostUpdateGetsBothCallSites(0);
	}

	@Test
	void everyLostUpdateFoundGetsBothCallSitesWhenSomeRacingThreadsHaveNoCellOfTheirOwn() throws Exception {
		everyLostUpdateGetsBothCallSites(StampTable.CELLS - 2); // 2 racing threads get cells, 2 share the overflow
	}

	/**
	 * Four threads run {@code put(k, get(k) + 1)} on 8 keys, with reads of other keys (some of the same
	 * slots) and writes in between, until at least 1,000 lost updates were found: each must end up with
	 * both call sites (a report whose other writer did not capture its site would wait forever). The
	 * verdict does not depend on the interleaving; only the number of races found does.
	 */
	private void everyLostUpdateGetsBothCallSites(int idleReaders) throws Exception {
		CountDownLatch read = new CountDownLatch(idleReaders);
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> holders = readers(idleReaders, read, release);
		ExecutorService racers = Executors.newFixedThreadPool(4);
		try {
			assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
			for (int round = 0; round < 200 && this.registry.raceCount("captures") < 1_000; round++) {
				List<java.util.concurrent.Future<?>> done = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					long seed = round * 4L + t;
					done.add(racers.submit(() -> race(new java.util.Random(seed))));
				}
				for (java.util.concurrent.Future<?> future : done) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			assertThat(this.registry.raceCount("captures")).as("lost updates found").isGreaterThanOrEqualTo(1_000);
			assertThat(this.map.racesCompleted()).isEqualTo(this.registry.raceCount("captures"));
		}
		finally {
			release.countDown();
			racers.shutdownNow();
			assertThat(racers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			for (Thread holder : holders) {
				holder.join(10_000);
			}
		}
	}

	private void race(java.util.Random random) {
		for (int i = 0; i < 2_000; i++) {
			long key = random.nextInt(8);
			switch (random.nextInt(4)) {
				case 0 -> this.map.get(key + StampTable.SLOTS); // another key of the same slot
				case 1 -> this.map.put(key + 2 * StampTable.SLOTS, (long) i);
				default -> {
					Long seen = this.map.get(key);
					Thread.yield();
					this.map.put(key, (seen != null) ? seen + 1 : 1L);
				}
			}
		}
	}

	/** Starts threads that each read a key of their own (no slot of keys 1 and 2), then wait for {@code release}. */
	private List<Thread> readers(int count, CountDownLatch read, CountDownLatch release) {
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long key = 100 + i;
			Thread thread = new Thread(() -> {
				this.map.get(key);
				read.countDown();
				try {
					release.await(120, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "reader-" + i);
			thread.start();
			threads.add(thread);
		}
		return threads;
	}

	private void onOther(Runnable action) throws Exception {
		this.other.submit(action).get(10, TimeUnit.SECONDS);
	}

}
