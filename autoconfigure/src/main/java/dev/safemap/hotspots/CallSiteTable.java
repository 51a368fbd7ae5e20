package dev.safemap.hotspots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.LongsSketch;

import dev.safemap.guard.CallSite;

/**
 * The sampled call sites of contended operations of one map, each joined with the keys it waited
 * on and its wait time. At most {@code maxSites} distinct sites are tracked; later ones are counted
 * under {@link CallSite#UNKNOWN}, so memory stays bounded.
 * <p>
 * Thread-safe.
 */
final class CallSiteTable {

	/** Map size of each site's own key sketch: a handful of keys per site is all a report shows. */
	private static final int SITE_KEY_SKETCH_SIZE = 16;

	private static final int KEYS_PER_SITE = 3;

	private final int maxSites;

	private final ConcurrentHashMap<CallSite, Site> sites = new ConcurrentHashMap<>();

	CallSiteTable(int maxSites) {
		this.maxSites = maxSites;
	}

	void record(CallSite callSite, boolean hasKey, int keyHash, long waitNanos) {
		Site site = this.sites.get(callSite);
		if (site == null) {
			CallSite tracked = (this.sites.size() < this.maxSites) ? callSite : CallSite.UNKNOWN;
			site = this.sites.computeIfAbsent(tracked, (ignored) -> new Site());
		}
		site.record(hasKey, keyHash, waitNanos);
	}

	List<CallSiteStats> top(int limit, IntFunction<String> keyNames) {
		List<CallSiteStats> all = new ArrayList<>(this.sites.size());
		long total = 0;
		for (Site site : this.sites.values()) {
			total += site.samples.sum();
		}
		for (var entry : this.sites.entrySet()) {
			Site site = entry.getValue();
			long samples = site.samples.sum();
			if (samples == 0) {
				continue;
			}
			all.add(new CallSiteStats(entry.getKey(), samples, (total > 0) ? (double) samples / total : 0.0,
					site.waitNanos.sum(), site.maxWaitNanos.get(), site.topKeys(keyNames)));
		}
		all.sort(Comparator.comparingLong(CallSiteStats::waitNanos)
			.thenComparingLong(CallSiteStats::samples)
			.reversed());
		return (all.size() > limit) ? all.subList(0, limit) : all;
	}

	long samples() {
		long total = 0;
		for (Site site : this.sites.values()) {
			total += site.samples.sum();
		}
		return total;
	}

	void reset() {
		this.sites.clear();
	}

	private static final class Site {

		private final LongAdder samples = new LongAdder();

		private final LongAdder waitNanos = new LongAdder();

		private final AtomicLong maxWaitNanos = new AtomicLong();

		// guarded by itself
		private final LongsSketch keys = new LongsSketch(SITE_KEY_SKETCH_SIZE);

		void record(boolean hasKey, int keyHash, long wait) {
			this.samples.increment();
			this.waitNanos.add(wait);
			this.maxWaitNanos.accumulateAndGet(wait, Math::max);
			if (hasKey) {
				synchronized (this.keys) {
					this.keys.update(keyHash);
				}
			}
		}

		List<String> topKeys(IntFunction<String> keyNames) {
			LongsSketch.Row[] rows;
			synchronized (this.keys) {
				rows = this.keys.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES);
			}
			List<String> names = new ArrayList<>(KEYS_PER_SITE);
			for (int i = 0; i < rows.length && names.size() < KEYS_PER_SITE; i++) {
				names.add(keyNames.apply((int) rows[i].getItem()));
			}
			return names;
		}

	}

}
