package dev.safemap.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.RaceReport;

/**
 * The races a {@link GuardedMapRegistry} saw since the watch started: the reports recorded, and the
 * number of races counted per map.
 * <p>
 * Counts and reports differ on purpose: detect mode counts every race, but keeps (and logs) the same
 * kind and pair of call sites of a map at most once per second, so a race repeated within a second of
 * an identical report raises the count and adds no report. {@link #raceCount()} is therefore the
 * number to decide on, and {@link #reports()} the details to show.
 * <pre>{@code
 * GuardedMapRegistry registry = new GuardedMapRegistry();
 * Map<String, Long> counts = GuardedMap.builder("counts").mode(GuardMode.DETECT).registry(registry).wrap(new HashMap<>());
 * RaceWatch watch = RaceWatch.start(registry);
 * Concurrently.run(8, 100, () -> counts.put("k", counts.getOrDefault("k", 0L) + 1));
 * assertThat(watch.raceCount()).isPositive();
 * }</pre>
 * Thread-safety: thread-safe; usually read by the test thread after the concurrent code finished.
 *
 * @since 0.1.0
 */
public final class RaceWatch {

	private final GuardedMapRegistry registry;

	private final Instant started;

	private final Set<RaceReport> before;

	private final Map<String, Long> countsBefore = new LinkedHashMap<>();

	private RaceWatch(GuardedMapRegistry registry) {
		this.registry = registry;
		this.started = Instant.now();
		Set<RaceReport> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		seen.addAll(registry.recentReports());
		this.before = seen;
		registry.maps().forEach((map) -> this.countsBefore.put(map.name(), registry.raceCount(map.name())));
	}

	/**
	 * Starts watching a registry.
	 * @param registry the registry of the maps to watch
	 * @return the watch
	 */
	public static RaceWatch start(GuardedMapRegistry registry) {
		return new RaceWatch(Objects.requireNonNull(registry, "registry must not be null"));
	}

	/**
	 * Returns when this watch started.
	 * @return the start time
	 */
	public Instant started() {
		return this.started;
	}

	/**
	 * Returns the registry watched.
	 * @return the registry
	 */
	public GuardedMapRegistry registry() {
		return this.registry;
	}

	/**
	 * Returns the race reports recorded since the watch started, oldest first (at most the registry's
	 * {@code maxReports}; see the class comment for repeats that add no report).
	 * @return the new reports
	 */
	public List<RaceReport> reports() {
		List<RaceReport> result = new ArrayList<>();
		for (RaceReport report : this.registry.recentReports()) {
			if (!this.before.contains(report)) {
				result.add(report);
			}
		}
		return List.copyOf(result);
	}

	/**
	 * Returns how many races each map counted since the watch started, for maps with at least one.
	 * @return race counts by map name, in name order
	 */
	public Map<String, Long> raceCounts() {
		Map<String, Long> result = new LinkedHashMap<>();
		this.registry.maps().forEach((map) -> {
			long count = this.registry.raceCount(map.name()) - this.countsBefore.getOrDefault(map.name(), 0L);
			if (count > 0) {
				result.put(map.name(), count);
			}
		});
		return Collections.unmodifiableMap(result);
	}

	/**
	 * Returns how many races all maps counted since the watch started.
	 * @return the total
	 */
	public long raceCount() {
		return raceCounts().values().stream().mapToLong(Long::longValue).sum();
	}

}
