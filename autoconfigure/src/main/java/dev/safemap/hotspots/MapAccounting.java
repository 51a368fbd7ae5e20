package dev.safemap.hotspots;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.datasketches.kll.KllLongsSketch;
import org.jspecify.annotations.Nullable;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.OperationSampler;
import dev.safemap.guard.RaceReport;
import dev.safemap.guard.ReadWindow;

/**
 * The accounting of one map: the {@link MapObserver} its guarded map calls.
 * <p>
 * Keyed operations are not reported one by one: a lock-free read costs a few nanoseconds, as much as
 * counting it would, a call into this class from the read path makes that path too big for the JIT
 * to inline into its callers, and even a per-read random draw cut a read loop's throughput by 40%;
 * counting every write exactly with a {@code LongAdder} cost a third of an uncontended
 * {@code ConcurrentHashMap.merge} (measured: docs/benchmarks.md). So, unless the sample rate is 1,
 * keyed reads and writes are sampled in time: the owner opens a shared
 * {@link dev.safemap.guard.ReadWindow} for {@value DefaultHotspots#READ_WINDOW_MILLIS} ms at a random
 * moment of every period of {@code window / sampleRate}; the guarded map's {@link OperationSampler}
 * counts the keyed operations made while it is open, and after each period {@link #harvest} adds them
 * scaled by the period's measured length over the window's. That estimates the counts without bias
 * when the operation rate does not follow the (random) windows; counts lag by at most one period. The
 * map watches a write on its stripe, and so can see it wait, only while the window is open or on a
 * stripe where writes of one key met lately (there while the owner's hot window is open, a meeting measured
 * then counting for the window's weight, about 8:
 * {@link #contended(MapOperation, Object, int, long, int)}), which {@link #harvest} lets cool down period
 * by period, or on every stripe after a window that could not open in time ({@link #watchAll()}; see
 * {@link OperationSampler}). Every other operation (keyless ones such as {@code size}, and every
 * operation when the sample rate is 1) calls
 * {@link #operation}, which increments the calling thread's own counter (see
 * {@link OperationCounters}: no atomic instruction) and, when it has a key and the window is open
 * (or reads are not sampled), draws one number from the thread's own xorshift generator for the key
 * sampling below.
 * <p>
 * Keys: a fraction of the operations store their key in a random slot of a fixed sample buffer
 * (one plain reference store: no lock, no allocation, no hashing); when reads are sampled in
 * windows, only operations made while the window is open do, reads and writes (through the operation
 * sampler) alike, with probability {@code min(1, keySampleRate / sampleRate)}, so that over time
 * every operation has its key sampled with the same probability
 * {@code min(keySampleRate, sampleRate)} and key shares stay unbiased; each window's keys are
 * drained when it is harvested. The buffer is drained into the hot-keys-by-operations sketch off the
 * hot path, by the accounting's drain thread and before each report. A sample that lands in a slot
 * not yet drained replaces the one there: since slots are chosen at random, whatever the drain finds
 * is still a uniform sample of the operations, so shares stay unbiased; counts are shares of the
 * (estimated) operation count.
 * <p>
 * Contended operations are rare (and have already waited): each one measured is recorded in full (counts,
 * segment, wait quantiles, hot-keys-by-contention) and a sample of them has its call site captured.
 * <p>
 * Memory is fixed by the configuration, whatever the number of distinct keys: three frequent-items
 * sketches of {@code sketchSize} entries with a side table of as many key references each, a sample
 * buffer of as many key references, a KLL
 * quantiles sketch, at most {@code maxCallSites} call sites with a 16-entry sketch each, 256
 * segment counters and {@code recentRaces} reports.
 * <p>
 * Thread-safe.
 */
final class MapAccounting implements MapObserver, MapStats {

	static final int SEGMENT_SLOTS = 256;

	/**
	 * Fewest samples of a key for it to be listed among the keys ranked by operations: a key
	 * sampled once says nothing about its frequency.
	 */
	static final int MIN_SAMPLES = 2;

	/** KLL accuracy parameter: about 1.3% rank error, a few kilobytes. */
	private static final int WAIT_SKETCH_K = 200;

	private static final MapOperation[] OPERATIONS = MapOperation.values();

	private static final RaceReport.Kind[] RACE_KINDS = RaceReport.Kind.values();

	/**
	 * When operations are sampled in windows and the call-site rate is below 1, at most this many call
	 * sites are captured per map and sampling period (about 60 a second at the defaults): a capture is a
	 * stack walk that allocates kilobytes, so a fraction of every contended write would make heavy
	 * contention allocate in proportion to the operation rate; a few per period rank the sites as well.
	 */
	static final int CALL_SITES_PER_PERIOD = 4;

	/** Operations called without a key: never sampled, left out of the key shares' base. */
	private static final Set<MapOperation> KEYLESS = EnumSet.of(MapOperation.SIZE, MapOperation.CONTAINS_VALUE,
			MapOperation.ITERATE, MapOperation.CLEAR, MapOperation.PUT_ALL);

	private final String name;

	private final GuardMode mode;

	private final DefaultHotspots owner;

	private final HotspotsConfig config;

	private final OperationCounters counters;

	/** This map's first counter in the per-thread counter arrays. */
	private final int counterBase;

	private final LongAdder contended = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	private final LongAdder[] races = newAdders(RACE_KINDS.length);

	private final LongAdder[] reportedRaces = newAdders(RACE_KINDS.length);

	private final AtomicLongArray segments = new AtomicLongArray(SEGMENT_SLOTS);

	/** Keys of sampled operations waiting to be drained into {@link #operationKeys}. */
	private final AtomicReferenceArray<@Nullable Object> samples;

	private final int sampleSlotMask;

	/** Drained samples, weight 1 each. */
	private final KeySketch operationKeys;

	/** Every contended operation, weight 1. Shares the side table with {@link #contentionWait}. */
	private final KeySketch contentionKeys;

	/** Every contended operation, weighted by its wait. */
	private final KeySketch contentionWait;

	/** Logs the first failure of contention recording (a key's hashCode() or the call-site capture). */
	private final CallbackFailures contentionFailures;

	/**
	 * Guards {@link #waitQuantiles}, and serializes the contention sketches' updates: a contended write
	 * that finds it taken (the write it met is recording too) leaves its sample in
	 * {@link #pendingContention} rather than wait, and whoever next holds the lock applies it.
	 */
	private final ReentrantLock waitLock = new ReentrantLock();

	// guarded by waitLock
	private final KllLongsSketch waitQuantiles = KllLongsSketch.newHeapInstance(WAIT_SKETCH_K);

	/**
	 * Contention samples left by writes that found {@link #waitLock} taken, applied by the next holder
	 * (a contended write, the drain thread or a report), so that two writes that met never make each
	 * other wait a second time to record it. At most {@value #MAX_PENDING}: past that, a write waits
	 * for the lock (nothing is dropped).
	 */
	private final ConcurrentLinkedQueue<Contention> pendingContention = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingCount = new AtomicInteger();

	static final int MAX_PENDING = 4096;

	private final CallSiteTable callSites;

	// guarded by itself
	private final ArrayDeque<RaceReport> recentRaces;

	/**
	 * Key sampling of the operations reported one by one: {@code keySampleRate * 2^31} when every
	 * read is reported; when reads are sampled in windows, keys are sampled only while the window is
	 * open, {@code min(1, keySampleRate / sampleRate) * 2^31}, as the read sampler does, so that
	 * reads and writes have their keys sampled alike.
	 */
	private final long keySampleThreshold;

	/** Call sites still to be captured in this sampling period; reset by {@link #harvest}. */
	private final AtomicInteger callSiteBudget = new AtomicInteger(CALL_SITES_PER_PERIOD);

	/** The owner's read window when reads are sampled, else {@code null}. */
	private final @Nullable ReadWindow readWindow;

	/**
	 * Counts the keyed reads and writes while the owner's read window is open ({@code sampleRate} of
	 * the time), or {@code null} when that rate is 1 and every operation is reported to
	 * {@link #operation}.
	 */
	private final @Nullable OperationSampler operationSampler;

	/** Estimated keyed reads per operation kind, from the harvested windows; guarded by itself. */
	private final double[] estimates = new double[OPERATIONS.length];

	private volatile Baseline baseline;

	MapAccounting(String name, GuardMode mode, DefaultHotspots owner, HotspotsConfig config,
			OperationCounters counters, int index) {
		this.counters = counters;
		this.counterBase = index * OperationCounters.KINDS;
		this.name = name;
		this.mode = mode;
		this.owner = owner;
		this.config = config;
		this.contentionFailures = new CallbackFailures("contention recording (a key's hashCode(), or the call-site"
				+ " capture " + config.callSiteCapture().getClass().getName() + ")");
		int sketchSize = sketchSize(config.topKeys());
		this.samples = new AtomicReferenceArray<>(sketchSize);
		this.sampleSlotMask = sketchSize - 1;
		this.operationKeys = new KeySketch(sketchSize);
		this.contentionKeys = new KeySketch(sketchSize);
		this.contentionWait = new KeySketch(sketchSize);
		this.callSites = new CallSiteTable(config.maxCallSites());
		this.recentRaces = new ArrayDeque<>(config.recentRaces());
		// compare a uniform 31-bit draw against rate * 2^31: no rounding of the rate to a power of 2
		double readRate = config.sampleRate();
		double keyRate = Math.min(config.keySampleRate(), readRate);
		// while the window is open, an operation keeps its key with probability keyRate / readRate:
		// over time every operation has its key sampled with probability keyRate, read or write
		double keyShare = (readRate < 1.0) ? Math.min(1.0, keyRate / readRate) : keyRate;
		this.keySampleThreshold = (long) (keyShare * (1L << 31));
		this.readWindow = (readRate < 1.0) ? owner.readWindow() : null;
		this.operationSampler = (this.readWindow != null)
				? new OperationSampler(this.readWindow, owner.hotWindow(), this.samples, keyShare) : null;
		this.baseline = new Baseline(new long[OPERATIONS.length], 0, 0, new long[RACE_KINDS.length],
				new long[RACE_KINDS.length],
				config.clock().instant());
	}

	/**
	 * Sizes the frequent-items sketches from top-K: 64 entries per listed key, so that the error
	 * bound (3.5 / size of the stream) stays far below the share of the K-th key in any skewed
	 * workload worth reporting; 256 to 8192 entries.
	 */
	static int sketchSize(int topKeys) {
		int size = Integer.highestOneBit(Math.max(1, topKeys * 64 - 1)) << 1;
		return Math.max(256, Math.min(8192, size));
	}

	private static LongAdder[] newAdders(int count) {
		LongAdder[] adders = new LongAdder[count];
		for (int i = 0; i < count; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	// ---- MapObserver: the hot path

	@Override
	public @Nullable OperationSampler operationSampler() {
		return this.operationSampler;
	}

	/** Each call is one operation: every write, keyless reads, and keyed reads without a sampler. */
	@Override
	public void operation(MapOperation operation, @Nullable Object key) {
		OperationCounters.Cell cell = this.counters.cell();
		cell.increment(this.counterBase + operation.ordinal());
		ReadWindow window = this.readWindow;
		if (key != null && (window == null || window.isOpen())) {
			int random = cell.nextRandom();
			// the high bits decide whether to sample, the low bits pick the slot
			if ((random >>> 1) < this.keySampleThreshold) {
				this.samples.setRelease(random & this.sampleSlotMask, key);
			}
		}
	}

	/**
	 * The owner's window could not open in time (its thread was starved): watch every stripe of this
	 * map for contention (in the hot windows) until they cool down, rather than miss it.
	 */
	void watchAll() {
		OperationSampler sampler = this.operationSampler;
		if (sampler != null) {
			sampler.watchAll();
		}
	}

	/**
	 * Adds the keyed operations counted during the last window, scaled, and lets contended stripes
	 * cool down by one period: called by the owner after each window.
	 * @param scale how much longer the whole period was than its window
	 */
	void harvest(double scale) {
		OperationSampler sampler = this.operationSampler;
		if (sampler == null) {
			return;
		}
		sampler.coolDown();
		this.callSiteBudget.set(CALL_SITES_PER_PERIOD);
		synchronized (this.estimates) {
			for (MapOperation operation : OPERATIONS) {
				this.estimates[operation.ordinal()] += sampler.harvest(operation) * scale;
			}
		}
	}

	/** Moves the sampled keys into the sketch, and pending contention samples into theirs; off the hot path. */
	void drain() {
		this.operationKeys.drain(this.samples);
		flushContention();
	}

	@Override
	public void contended(MapOperation operation, @Nullable Object key, int segment, long waitNanos) {
		contended(operation, key, segment, waitNanos, 1);
	}

	/**
	 * A measured contended operation standing for {@code weight} (see {@link MapObserver#contended(MapOperation,
	 * Object, int, long, int)}): counts, wait totals, the segment and the contention key sketches add the weight;
	 * the wait quantiles, the call-site sample and the listeners (the wait timer) take it once, as one sample.
	 */
	@Override
	public void contended(MapOperation operation, @Nullable Object key, int segment, long waitNanos, int weight) {
		long wait = Math.max(0, waitNanos);
		int w = Math.max(1, weight);
		this.contended.add(w);
		this.waitNanos.add(wait * w);
		this.segments.addAndGet(Math.floorMod(segment, SEGMENT_SLOTS), w);
		try {
			recordContention(key, wait, w);
		}
		catch (RuntimeException ex) {
			// never let accounting break the map operation: the key's hashCode() or the call-site capture threw
			this.contentionFailures.failed("contended", operation, this.name, ex);
		}
		for (GuardedListener listener : this.owner.listeners()) {
			listener.contended(this, operation, wait);
		}
	}

	private void recordContention(@Nullable Object key, long wait, int weight) {
		// the key's hashCode() is user code: never under a lock of ours
		int hash = (key != null) ? key.hashCode() : 0;
		boolean leftPending = false;
		if (!this.waitLock.tryLock()) {
			if (this.pendingCount.incrementAndGet() <= MAX_PENDING) {
				this.pendingContention.offer(new Contention(key, hash, wait, weight));
				leftPending = true;
			}
			else {
				this.pendingCount.decrementAndGet();
				this.waitLock.lock();
			}
		}
		if (!leftPending) {
			try {
				applyPendingContention();
				applyContention(key, hash, wait, weight);
			}
			finally {
				this.waitLock.unlock();
			}
		}
		double rate = this.config.callSiteSampleRate();
		if (rate > 0 && (rate >= 1.0 || (ThreadLocalRandom.current().nextDouble() < rate && callSiteBudgetLeft()))) {
			CallSite site = this.config.callSiteCapture().get();
			this.callSites.record((site != null) ? site : CallSite.UNKNOWN, key != null, hash, wait);
		}
	}

	/** Takes one capture from this period's budget when operations are sampled in windows. */
	private boolean callSiteBudgetLeft() {
		return this.operationSampler == null
				|| (this.callSiteBudget.get() > 0 && this.callSiteBudget.getAndDecrement() > 0);
	}

	/** Applies one contended operation to the wait sketch and the contention key sketches; holds waitLock. */
	private void applyContention(@Nullable Object key, int hash, long wait, int weight) {
		this.waitQuantiles.update(wait);
		if (key != null) {
			this.contentionKeys.update(key, hash, weight);
			this.contentionWait.update(key, hash, Math.max(1, wait) * weight);
		}
	}

	/** Applies the samples other writes left while the lock was taken; holds waitLock. */
	private void applyPendingContention() {
		Contention pending;
		while ((pending = this.pendingContention.poll()) != null) {
			this.pendingCount.decrementAndGet();
			applyContention(pending.key(), pending.hash(), pending.waitNanos(), pending.weight());
		}
	}

	/** Applies the pending contention samples: before a report reads the sketches. */
	private void flushContention() {
		this.waitLock.lock();
		try {
			applyPendingContention();
		}
		finally {
			this.waitLock.unlock();
		}
	}

	/** The lock that serializes the contention sketches, for tests that hold it. */
	ReentrantLock contentionLock() {
		return this.waitLock;
	}

	/** A contended operation left for the next holder of waitLock. */
	private record Contention(@Nullable Object key, int hash, long waitNanos, int weight) {
	}

	@Override
	public void raceDetected(RaceReport.Kind kind, MapOperation operation) {
		this.races[kind.ordinal()].increment();
	}

	@Override
	public void race(RaceReport report) {
		this.reportedRaces[report.kind().ordinal()].increment();
		int keep = this.config.recentRaces();
		if (keep > 0) {
			synchronized (this.recentRaces) {
				if (this.recentRaces.size() == keep) {
					this.recentRaces.removeLast();
				}
				this.recentRaces.addFirst(report);
			}
		}
		for (GuardedListener listener : this.owner.listeners()) {
			listener.race(this, report);
		}
	}

	// ---- MapStats: monotonic counters

	@Override
	public String mapName() {
		return this.name;
	}

	@Override
	public GuardMode mode() {
		return this.mode;
	}

	@Override
	public long operations(MapOperation operation) {
		long reported = this.counters.sum(this.counterBase + operation.ordinal());
		OperationSampler sampler = this.operationSampler;
		if (sampler == null) {
			return reported;
		}
		synchronized (this.estimates) {
			return reported + Math.round(this.estimates[operation.ordinal()]);
		}
	}

	@Override
	public long operations() {
		long total = 0;
		for (MapOperation operation : OPERATIONS) {
			total += operations(operation);
		}
		return total;
	}

	@Override
	public long contended() {
		return this.contended.sum();
	}

	@Override
	public long waitNanos() {
		return this.waitNanos.sum();
	}

	@Override
	public long races(RaceReport.Kind kind) {
		return this.races[kind.ordinal()].sum();
	}

	@Override
	public long reportedRaces(RaceReport.Kind kind) {
		return this.reportedRaces[kind.ordinal()].sum();
	}

	@Override
	public long waitQuantileNanos(double rank) {
		if (!(rank >= 0.0 && rank <= 1.0)) {
			throw new IllegalArgumentException("rank must be from 0 to 1 but was " + rank);
		}
		this.waitLock.lock();
		try {
			applyPendingContention();
			return this.waitQuantiles.isEmpty() ? 0 : this.waitQuantiles.getQuantile(rank);
		}
		finally {
			this.waitLock.unlock();
		}
	}

	// ---- reports

	HotspotReport report(boolean showKeys) {
		Baseline base = this.baseline;
		Map<MapOperation, Long> byKind = new EnumMap<>(MapOperation.class);
		long totalOperations = 0;
		for (MapOperation operation : OPERATIONS) {
			long count = Math.max(0, operations(operation) - base.operations[operation.ordinal()]);
			byKind.put(operation, count);
			totalOperations += count;
		}
		long contendedCount = Math.max(0, contended() - base.contended);
		long wait = Math.max(0, waitNanos() - base.waitNanos);
		long p50 = 0;
		long p99 = 0;
		long max = 0;
		this.waitLock.lock();
		try {
			// the contention key sketches are read below, after this: pending samples are in them too
			applyPendingContention();
			if (!this.waitQuantiles.isEmpty()) {
				p50 = this.waitQuantiles.getQuantile(0.5);
				p99 = this.waitQuantiles.getQuantile(0.99);
				max = this.waitQuantiles.getMaxItem();
			}
		}
		finally {
			this.waitLock.unlock();
		}
		int limit = this.config.topKeys();
		List<HotKey> byContention = new ArrayList<>();
		KeySketch.Top contentionTop = this.contentionKeys.top(limit);
		for (KeySketch.Item item : contentionTop.items()) {
			byContention.add(new HotKey(keyName(this.contentionKeys, item.hash(), showKeys), item.estimate(),
					share(item.estimate(), contentionTop.streamLength()), this.contentionWait.estimate(item.hash())));
		}
		drain();
		long keyedOperations = 0;
		for (MapOperation operation : OPERATIONS) {
			if (!KEYLESS.contains(operation)) {
				keyedOperations += byKind.get(operation);
			}
		}
		List<HotKey> byOperations = new ArrayList<>();
		KeySketch.Top operationTop = this.operationKeys.top(limit, MIN_SAMPLES);
		for (KeySketch.Item item : operationTop.items()) {
			double share = share(item.estimate(), operationTop.streamLength());
			byOperations.add(new HotKey(keyName(this.operationKeys, item.hash(), showKeys),
					Math.round(share * keyedOperations), share, 0));
		}
		List<CallSiteStats> sites = this.callSites.top(limit,
				(hash) -> keyName(this.contentionKeys, hash, showKeys));
		Map<RaceReport.Kind, Long> raceCounts = new EnumMap<>(RaceReport.Kind.class);
		Map<RaceReport.Kind, Long> reportCounts = new EnumMap<>(RaceReport.Kind.class);
		for (RaceReport.Kind kind : RACE_KINDS) {
			raceCounts.put(kind, Math.max(0, races(kind) - base.races[kind.ordinal()]));
			reportCounts.put(kind, Math.max(0, reportedRaces(kind) - base.reportedRaces[kind.ordinal()]));
		}
		List<RaceReport> races;
		synchronized (this.recentRaces) {
			races = new ArrayList<>(this.recentRaces);
		}
		return new HotspotReport(this.name, this.mode, base.since, totalOperations, byKind, contendedCount,
				share(contendedCount, totalOperations), wait, p50, p99, max, byContention, byOperations, sites,
				this.callSites.samples(), topSegments(limit), raceCounts, races, reportCounts);
	}

	private String keyName(KeySketch sketch, int hash, boolean showKeys) {
		Object key = sketch.keyFor(hash);
		if (key == null) {
			return KeySketch.UNRESOLVED;
		}
		try {
			return this.config.keyMasker().maskUnless(key, showKeys);
		}
		catch (RuntimeException ex) {
			// a key whose toString() throws
			return KeySketch.UNRESOLVED;
		}
	}

	private List<SegmentCount> topSegments(int limit) {
		long total = 0;
		List<SegmentCount> counts = new ArrayList<>();
		for (int i = 0; i < SEGMENT_SLOTS; i++) {
			long count = this.segments.get(i);
			if (count > 0) {
				total += count;
				counts.add(new SegmentCount(i, count, 0));
			}
		}
		counts.sort((a, b) -> Long.compare(b.contended(), a.contended()));
		List<SegmentCount> top = new ArrayList<>(Math.min(limit, counts.size()));
		for (int i = 0; i < counts.size() && i < limit; i++) {
			SegmentCount count = counts.get(i);
			top.add(new SegmentCount(count.segment(), count.contended(), share(count.contended(), total)));
		}
		return top;
	}

	private static double share(long part, long whole) {
		return (whole > 0) ? (double) part / whole : 0.0;
	}

	void reset() {
		long[] ops = new long[OPERATIONS.length];
		for (MapOperation operation : OPERATIONS) {
			ops[operation.ordinal()] = operations(operation);
		}
		long[] raceCounts = new long[RACE_KINDS.length];
		long[] reportCounts = new long[RACE_KINDS.length];
		for (RaceReport.Kind kind : RACE_KINDS) {
			raceCounts[kind.ordinal()] = races(kind);
			reportCounts[kind.ordinal()] = reportedRaces(kind);
		}
		for (int i = 0; i < this.samples.length(); i++) {
			this.samples.set(i, null);
		}
		this.operationKeys.reset();
		this.waitLock.lock();
		try {
			applyPendingContention();
			this.contentionKeys.reset();
			this.contentionWait.reset();
			this.waitQuantiles.reset();
		}
		finally {
			this.waitLock.unlock();
		}
		this.callSites.reset();
		for (int i = 0; i < SEGMENT_SLOTS; i++) {
			this.segments.set(i, 0);
		}
		synchronized (this.recentRaces) {
			this.recentRaces.clear();
		}
		this.baseline = new Baseline(ops, contended(), waitNanos(), raceCounts, reportCounts,
				this.config.clock().instant());
	}

	/** Upper bound of the bytes the sketches' live state takes, for tests and docs. */
	long sketchStorageBytes() {
		this.waitLock.lock();
		long waitBytes;
		try {
			waitBytes = this.waitQuantiles.getSerializedSizeBytes();
		}
		finally {
			this.waitLock.unlock();
		}
		return (long) this.operationKeys.storageBytes() + this.contentionKeys.storageBytes()
				+ this.contentionWait.storageBytes() + waitBytes;
	}

	/** Counts at the last reset, subtracted in reports. */
	private record Baseline(long[] operations, long contended, long waitNanos, long[] races, long[] reportedRaces,
			Instant since) {
	}

}
