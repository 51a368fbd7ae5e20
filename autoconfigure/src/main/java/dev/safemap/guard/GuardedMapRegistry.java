package dev.safemap.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every guarded map of an application, and the recent {@link RaceReport}s of those in detect or watch mode.
 * <p>
 * Race reports are logged at WARN once per distinct kind and pair of call sites of a map (the first
 * occurrence; later ones are counted, not logged) and kept in bounded in-memory lists (detect mode
 * passes at most one report per second for the same kind and pair of call sites), one for the
 * whole application and one per map, each holding at most {@code maxReports} of the newest reports.
 * <p>
 * Thread-safety: this class is thread-safe.
 *
 * @since 0.1.0
 */
public final class GuardedMapRegistry {

	/** Default bound of the report lists. */
	public static final int DEFAULT_MAX_REPORTS = 100;

	private static final Logger logger = LoggerFactory.getLogger(GuardedMapRegistry.class);

	private static final String RACE_LOG = "Race in map '{}': {} by {} on key {} at {} [thread {}], conflicting"
			+ " with {} [thread {}]. {} (logged once per site pair; see safemap docs/guarded-maps.md)";

	private final int maxReports;

	private final Map<String, MapInfo> maps = new ConcurrentHashMap<>();

	private final Deque<RaceReport> reports = new ArrayDeque<>();

	private final Map<String, Deque<RaceReport>> reportsByMap = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> raceCounts = new ConcurrentHashMap<>();

	private final Set<List<Object>> loggedPairs = ConcurrentHashMap.newKeySet();

	/** Creates a registry keeping at most {@value #DEFAULT_MAX_REPORTS} reports per list. */
	public GuardedMapRegistry() {
		this(DEFAULT_MAX_REPORTS);
	}

	/**
	 * Creates a registry.
	 * @param maxReports the maximum number of reports kept in each list, at least 1
	 * @throws IllegalArgumentException if maxReports is below 1
	 */
	public GuardedMapRegistry(int maxReports) {
		if (maxReports < 1) {
			throw new IllegalArgumentException("maxReports must be at least 1 but was " + maxReports);
		}
		this.maxReports = maxReports;
	}

	/**
	 * Registers a guarded map. {@link GuardedMap.Builder#registry} does it for the maps it builds.
	 * @param map the map
	 * @throws IllegalArgumentException if another map with the same name is registered
	 */
	public void register(GuardedMap<?, ?> map) {
		Objects.requireNonNull(map, "map must not be null");
		MapInfo info = new MapInfo(map.name(), map.mode(), map.originalType(), map);
		MapInfo previous = this.maps.putIfAbsent(map.name(), info);
		if (previous != null && previous.map() != map) {
			throw new IllegalArgumentException("a guarded map named '" + map.name() + "' is already registered");
		}
	}

	/**
	 * Returns every registered map, in name order.
	 * @return the maps
	 */
	public List<MapInfo> maps() {
		List<MapInfo> result = new ArrayList<>(this.maps.values());
		result.sort((a, b) -> a.name().compareTo(b.name()));
		return List.copyOf(result);
	}

	/**
	 * Returns the registered map with the given name.
	 * @param name the name
	 * @return the map's information, or empty
	 */
	public Optional<MapInfo> map(String name) {
		return Optional.ofNullable(this.maps.get(name));
	}

	/**
	 * Returns the newest race reports of all maps, oldest first.
	 * @return at most {@code maxReports} reports
	 */
	public List<RaceReport> recentReports() {
		synchronized (this.reports) {
			return List.copyOf(this.reports);
		}
	}

	/**
	 * Returns the newest race reports of one map, oldest first.
	 * @param mapName the map's name
	 * @return at most {@code maxReports} reports, empty for an unknown map
	 */
	public List<RaceReport> recentReports(String mapName) {
		Deque<RaceReport> list = this.reportsByMap.get(mapName);
		if (list == null) {
			return List.of();
		}
		synchronized (list) {
			return List.copyOf(list);
		}
	}

	/**
	 * Returns how many races were found in a map since startup, including those rate-limited (the
	 * same kind and call sites within a second) and those no longer kept.
	 * @param mapName the map's name
	 * @return the count
	 */
	public long raceCount(String mapName) {
		AtomicLong count = this.raceCounts.get(mapName);
		return (count != null) ? count.get() : 0;
	}

	/** Counts one race of a map (detect mode rate-limits reports, not counts). */
	void count(String mapName) {
		this.raceCounts.computeIfAbsent(mapName, (k) -> new AtomicLong()).incrementAndGet();
	}

	/**
	 * Records a report: counts it, logs it at WARN when its kind and site pair are new for the map,
	 * and keeps it in the bounded lists.
	 */
	void record(RaceReport report) {
		add(this.reports, report);
		add(this.reportsByMap.computeIfAbsent(report.mapName(), (k) -> new ArrayDeque<>()), report);
		// a pair is the same whichever of its two sites completed the race
		Set<CallSite> sites = report.site().equals(report.otherSite()) ? Set.of(report.site())
				: Set.of(report.site(), report.otherSite());
		if (this.loggedPairs.add(List.of(report.mapName(), report.kind(), sites))) {
			logger.warn(RACE_LOG, report.mapName(), report.kind(), report.operation(), report.maskedKey(), report.site(),
					report.thread(), report.otherSite(), report.otherThread(), advice(report.kind()));
		}
	}

	private void add(Deque<RaceReport> list, RaceReport report) {
		synchronized (list) {
			if (list.size() >= this.maxReports) {
				list.removeFirst();
			}
			list.addLast(report);
		}
	}

	private static String advice(RaceReport.Kind kind) {
		return switch (kind) {
			case CONCURRENT_WRITE -> "Two threads wrote at once: switch the map to guard mode or use a ConcurrentHashMap.";
			case WRITE_DURING_ITERATION -> "A thread wrote while another iterated: switch the map to guard mode"
					+ " (weakly consistent iteration) or iterate over a copy taken under a lock.";
			case LOST_UPDATE -> "Check-then-act: another thread wrote the key between this thread's read and its write;"
					+ " use one atomic call (merge, compute, putIfAbsent, or GuardedMap.increment).";
		};
	}

	/**
	 * One registered map.
	 * <p>
	 * Instances are immutable and thread-safe; {@link #size()} reads the live map.
	 *
	 * @param name the map's name (its bean name)
	 * @param mode its mode
	 * @param originalType the type of the map it was made from
	 * @param map the guarded map itself
	 * @since 0.1.0
	 */
	public record MapInfo(String name, GuardMode mode, Class<?> originalType, GuardedMap<?, ?> map) {

		public MapInfo {
			Objects.requireNonNull(name, "name must not be null");
			Objects.requireNonNull(mode, "mode must not be null");
			Objects.requireNonNull(originalType, "originalType must not be null");
			Objects.requireNonNull(map, "map must not be null");
		}

		/**
		 * Returns the map's current size, without counting it as an operation of the map (a monitoring read:
		 * the {@code safemap.map.size} gauge, the endpoint's {@code size}).
		 * @return the number of entries now
		 */
		public int size() {
			return (this.map instanceof AbstractGuardedMap<?, ?> guarded) ? guarded.unobservedSize() : this.map.size();
		}

	}

}
