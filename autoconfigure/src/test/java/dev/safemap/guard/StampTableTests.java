package dev.safemap.guard;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detect mode's stamp table: which stamp a read takes, when a write needs its call site (pending reads), and reports
 * that wait for a call site being captured.
 */
class StampTableTests {

	/** The reader cells of two threads. */
	private static final int ME = 0;

	private static final int OTHER = 1;

	private final StampTable table = new StampTable();

	@Test
	void aReadTakesTheSlotsNewestStampAndAWriteLooksUpOnlyItsKeys() {
		StampTable.Stamp first = publish(1L);
		assertThat(this.table.read(StampTable.hash(1L), ME, 0)).isSameAs(first);
		StampTable.Stamp second = publish(1L);
		assertThat(this.table.read(StampTable.hash(1L), ME, 0)).isSameAs(second);
		assertThat(this.table.current(1L, StampTable.hash(1L))).isSameAs(second);
		StampTable.Stamp other = publish(1L + StampTable.SLOTS); // another key of the slot evicts key 1's stamp
		assertThat(this.table.read(StampTable.hash(1L), ME, 0)).isSameAs(other);
		assertThat(this.table.current(1L, StampTable.hash(1L))).isNull();
		assertThat(this.table.current(1L + StampTable.SLOTS, StampTable.hash(1L + StampTable.SLOTS))).isSameAs(other);
	}

	@Test
	void aWriteNeedsItsCallSiteOnlyWhenAnotherThreadsPendingReadIsOfItsKey() {
		int hash = StampTable.hash(1L);
		int sameSlot = StampTable.hash(1L + StampTable.SLOTS);
		assertThat(StampTable.slot(sameSlot)).isEqualTo(StampTable.slot(hash));
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).as("never read").isFalse();
		this.table.read(hash, ME, 0);
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).as("read by this thread only").isFalse();
		assertThat(this.table.readLatelyByOther(hash, OTHER, 0)).as("for another writer").isTrue();
		assertThat(this.table.readLatelyByOther(hash, StampTable.NO_CELL, 0)).as("for a writer that never read").isTrue();
		assertThat(this.table.readLatelyByOther(sameSlot, OTHER, 0)).as("another key of the slot").isFalse();
		this.table.read(StampTable.hash(2L), ME, 0);
		assertThat(this.table.readLatelyByOther(hash, OTHER, 0)).as("after a read of another key").isFalse();
		this.table.read(hash, ME, 0);
		this.table.read(hash, OTHER, 0);
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).as("read by both").isTrue();
		assertThat(this.table.readLatelyByOther(hash, OTHER, 0)).as("read by both").isTrue();
		this.table.consumed(ME);
		assertThat(this.table.readLatelyByOther(hash, OTHER, 0)).as("after a write of the reader").isFalse();
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).isTrue();
	}

	@Test
	void aPendingReadOfAKeyWhoseHashIsZeroAtEpochZeroCounts() {
		int hash = StampTable.hash(0L);
		assertThat(hash).isZero();
		this.table.read(hash, OTHER, 0);
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).isTrue();
	}

	@Test
	void readsOfThreadsWithoutACellMakeEveryWriteOfTheirSlotsNeedItsCallSiteWithinTheWindow() {
		int hash = StampTable.hash(1L);
		this.table.read(StampTable.hash(1L + StampTable.SLOTS), StampTable.OVERFLOW, 0);
		assertThat(this.table.readLatelyByOther(hash, ME, 0)).as("another key of a slot they read").isTrue();
		assertThat(this.table.readLatelyByOther(hash, StampTable.OVERFLOW, 0)).as("for a writer without a cell too").isTrue();
		assertThat(this.table.readLatelyByOther(StampTable.hash(2L), ME, 0)).as("a slot they did not read").isFalse();
		assertThat(this.table.readLatelyByOther(hash, ME, StampTable.LIVE_EPOCHS + 1)).as("after the window").isFalse();
		// an older epoch never moves the shared epoch back
		this.table.read(StampTable.hash(2L), StampTable.OVERFLOW, 10);
		this.table.read(StampTable.hash(2L), StampTable.OVERFLOW, 5);
		assertThat(this.table.readLatelyByOther(hash, ME, 10 + StampTable.LIVE_EPOCHS)).isTrue();
	}

	@Test
	void aPendingReadLastsAtLeastTheLostUpdateWindowAndThenExpires() {
		long window = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(DetectingMap.LOST_UPDATE_WINDOW_MILLIS);
		int hash = StampTable.hash("k");
		long readAt = (1L << 28) - 1; // the last nanosecond of an epoch: the worst case
		this.table.read(hash, OTHER, StampTable.epoch(readAt));
		assertThat(this.table.readLatelyByOther(hash, ME, StampTable.epoch(readAt + window))).isTrue();
		assertThat(this.table.readLatelyByOther(hash, ME, StampTable.epoch(readAt) + StampTable.LIVE_EPOCHS + 1)).isFalse();
		// a clock that went backwards keeps it live
		assertThat(this.table.readLatelyByOther(hash, ME, StampTable.epoch(readAt) - 10)).isTrue();
		// the same key read again later is live again
		this.table.read(hash, OTHER, StampTable.epoch(readAt) + StampTable.LIVE_EPOCHS + 1);
		assertThat(this.table.readLatelyByOther(hash, ME, StampTable.epoch(readAt) + StampTable.LIVE_EPOCHS + 1)).isTrue();
	}

	@Test
	void aReportParkedBeforeTheWriterCapturedItsSiteIsPublishedWhenTheSiteIsSet() {
		StampTable.Stamp stamp = publish("k");
		List<CallSite[]> published = new ArrayList<>();
		Recorder first = new Recorder(published);
		Recorder second = new Recorder(published);
		first.site(site("final-write"));
		stamp.whenSite(first);
		second.site(site("another-final-write"));
		stamp.whenSite(second);
		assertThat(published).isEmpty();
		stamp.site(site("interloper"));
		assertThat(published).hasSize(2)
			.allSatisfy((sites) -> assertThat(sites[1].methodName()).isEqualTo("interloper"));
		assertThat(published).extracting((sites) -> sites[0].methodName())
			.containsExactlyInAnyOrder("final-write", "another-final-write");
	}

	@Test
	void aReportOnAWriteWhoseSiteIsSetIsPublishedAtOnce() {
		StampTable.Stamp stamp = publish("k");
		stamp.site(site("interloper"));
		List<CallSite[]> published = new ArrayList<>();
		Recorder report = new Recorder(published);
		stamp.whenSite(report);
		assertThat(published).isEmpty(); // its own site is still missing
		report.site(site("final-write"));
		assertThat(published).singleElement().satisfies((sites) -> {
			assertThat(sites[0].methodName()).isEqualTo("final-write");
			assertThat(sites[1].methodName()).isEqualTo("interloper");
		});
	}

	private StampTable.Stamp publish(Object key) {
		StampTable.Stamp stamp = new StampTable.Stamp(key, StampTable.hash(key), Thread.currentThread());
		this.table.publish(stamp);
		return stamp;
	}

	private static CallSite site(String method) {
		return new CallSite("com.example.Service", method, 1);
	}

	private static final class Recorder extends StampTable.PendingReport {

		private final List<CallSite[]> published;

		Recorder(List<CallSite[]> published) {
			this.published = published;
		}

		@Override
		void publish(CallSite site, CallSite otherSite) {
			this.published.add(new CallSite[] { site, otherSite });
		}

	}

}
