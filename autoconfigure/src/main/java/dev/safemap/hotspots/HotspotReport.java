package dev.safemap.hotspots;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;

/**
 * What the accounting saw of one map since {@link #since()} (its creation or last reset).
 * <p>
 * Counts of operations are exact. Keys ranked by contention are counted in a frequent-items sketch
 * fed by every contended operation; keys ranked by operations come from a random sample of the
 * operations, their count being their share of the sample times the exact number of operations
 * with a key. Call sites come from a sample of the contended operations. Wait percentiles are
 * estimates from a quantiles sketch.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param mapName the map's name
 * @param mode the map's mode
 * @param since when counting started (creation or last reset)
 * @param operations operations of every kind
 * @param operationsByKind operations per kind, every kind present
 * @param contended operations that waited for another thread on the same key or segment
 * @param contentionRate {@code contended / operations}, 0 when there were no operations
 * @param waitNanos total wait of the contended operations, in nanoseconds
 * @param waitP50Nanos median wait of a contended operation, in nanoseconds (0 when none)
 * @param waitP99Nanos 99th percentile wait of a contended operation, in nanoseconds (0 when none)
 * @param waitMaxNanos longest wait, in nanoseconds (0 when none)
 * @param hotKeysByContention the keys that waited most often, most contended first
 * @param hotKeysByOperations the keys used most often, most used first
 * @param callSites the call sites that waited, longest total wait first
 * @param callSiteSamples how many contended operations had their call site captured
 * @param segments the segments waited on most, most contended first
 * @param races races detected per kind (detect mode), every one, including the repeats that were not reported
 * @param recentRaces the newest race reports, newest first
 * @param reportedRaces race reports per kind: at most one a second per kind and pair of call sites, so at
 * most {@code races}
 * @since 0.1.0
 */
public record HotspotReport(String mapName, GuardMode mode, Instant since, long operations,
		Map<MapOperation, Long> operationsByKind, long contended, double contentionRate, long waitNanos,
		long waitP50Nanos, long waitP99Nanos, long waitMaxNanos, List<HotKey> hotKeysByContention,
		List<HotKey> hotKeysByOperations, List<CallSiteStats> callSites, long callSiteSamples,
		List<SegmentCount> segments, Map<RaceReport.Kind, Long> races, List<RaceReport> recentRaces,
		Map<RaceReport.Kind, Long> reportedRaces) {

	public HotspotReport {
		Objects.requireNonNull(mapName, "mapName must not be null");
		Objects.requireNonNull(mode, "mode must not be null");
		Objects.requireNonNull(since, "since must not be null");
		operationsByKind = Collections.unmodifiableMap(new EnumMap<>(operationsByKind));
		hotKeysByContention = List.copyOf(hotKeysByContention);
		hotKeysByOperations = List.copyOf(hotKeysByOperations);
		callSites = List.copyOf(callSites);
		segments = List.copyOf(segments);
		races = Collections.unmodifiableMap(new EnumMap<>(races));
		recentRaces = List.copyOf(recentRaces);
		reportedRaces = Collections.unmodifiableMap(new EnumMap<>(reportedRaces));
	}

	/** @return races of every kind detected since {@link #since()}, reported or not */
	public long totalRaces() {
		return this.races.values().stream().mapToLong(Long::longValue).sum();
	}

	/** @return race reports of every kind since {@link #since()} */
	public long totalReportedRaces() {
		return this.reportedRaces.values().stream().mapToLong(Long::longValue).sum();
	}

}
