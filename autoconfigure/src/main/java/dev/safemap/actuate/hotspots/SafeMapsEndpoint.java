package dev.safemap.actuate.hotspots;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.RaceReport;
import dev.safemap.hotspots.CallSiteStats;
import dev.safemap.hotspots.HotKey;
import dev.safemap.hotspots.HotspotReport;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.SegmentCount;
import org.jspecify.annotations.Nullable;

import dev.safemap.actuate.OperatorActions;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code safemaps} actuator endpoint: every guarded map with its mode, size, operations,
 * contention, wait percentiles, hot keys, contended call sites and recent race reports; one map in
 * detail; and a write operation that starts one map's or every map's counts afresh.
 * <p>
 * Keys are masked unless {@code showKeys} allows them for the caller ({@link Show#isShown(SecurityContext,
 * Collection)}, as Spring Boot's {@code env} endpoint does for values). The JSON shape is documented in
 * {@code docs/actuator.md} and kept stable.
 * <p>
 * The endpoint is read-only by default ({@link Access#READ_ONLY}): the reset operations exist only once
 * {@code management.endpoint.safemaps.access=unrestricted}. Every reset is recorded through
 * {@link OperatorActions} (who, what, when: logged and published as an audit event).
 * <p>
 * Thread-safe; its descriptors are immutable records.
 *
 * @since 0.1.0
 */
@Endpoint(id = "safemaps", defaultAccess = Access.READ_ONLY)
public class SafeMapsEndpoint {

	/** The audit event type of a reset. */
	public static final String RESET_EVENT = "SAFEMAP_HOTSPOTS_RESET";

	private final Hotspots hotspots;

	private final @Nullable GuardedMapRegistry registry;

	private final Show showKeys;

	private final Set<String> roles;

	private final OperatorActions actions;

	/**
	 * Creates the endpoint, logging operator actions without publishing them.
	 * @param hotspots the accounting
	 * @param registry the registry of guarded maps, for their mode, type and size; may be null
	 * @param showKeys when raw keys are shown
	 * @param roles the roles that may see raw keys when {@code showKeys} is
	 * {@link Show#WHEN_AUTHORIZED}; any authenticated user when empty
	 */
	public SafeMapsEndpoint(Hotspots hotspots, @Nullable GuardedMapRegistry registry, Show showKeys,
			Collection<String> roles) {
		this(hotspots, registry, showKeys, roles, OperatorActions.logOnly());
	}

	/**
	 * Creates the endpoint.
	 * @param hotspots the accounting
	 * @param registry the registry of guarded maps, for their mode, type and size; may be null
	 * @param showKeys when raw keys are shown
	 * @param roles the roles that may see raw keys when {@code showKeys} is
	 * {@link Show#WHEN_AUTHORIZED}; any authenticated user when empty
	 * @param actions where resets are recorded
	 * @since 0.1.0
	 */
	public SafeMapsEndpoint(Hotspots hotspots, @Nullable GuardedMapRegistry registry, Show showKeys,
			Collection<String> roles, OperatorActions actions) {
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.hotspots = Objects.requireNonNull(hotspots, "hotspots must not be null");
		this.registry = registry;
		this.showKeys = Objects.requireNonNull(showKeys, "showKeys must not be null");
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Describes every guarded map.
	 * @param securityContext the caller, for {@code show-keys}
	 * @return the maps, sorted by name
	 */
	@ReadOperation
	public SafeMapsDescriptor safeMaps(SecurityContext securityContext) {
		boolean show = this.showKeys.isShown(securityContext, this.roles);
		List<SafeMapDescriptor> maps = new ArrayList<>();
		for (String name : mapNames()) {
			SafeMapDescriptor descriptor = describe(name, show);
			if (descriptor != null) {
				maps.add(descriptor);
			}
		}
		return new SafeMapsDescriptor(maps);
	}

	/**
	 * Describes one guarded map.
	 * @param securityContext the caller, for {@code show-keys}
	 * @param name the map's name
	 * @return the map, or null (HTTP 404) for an unknown name
	 */
	@ReadOperation
	public @Nullable SafeMapDescriptor safeMap(SecurityContext securityContext, @Selector String name) {
		return describe(name, this.showKeys.isShown(securityContext, this.roles));
	}

	/**
	 * Starts every map's counts afresh (Micrometer counters are not affected), and records who did it.
	 * The caller is found by {@link OperatorActions}: a {@code SecurityContext} parameter would make Spring
	 * Boot require a JSON body for this {@code POST}.
	 * @return the names of the maps reset
	 */
	@WriteOperation
	public ResetDescriptor reset() {
		this.hotspots.resetAll();
		ResetDescriptor result = new ResetDescriptor(this.hotspots.mapNames());
		this.actions.changed(null, RESET_EVENT, Map.of("endpoint", "safemaps", "maps", result.reset()));
		return result;
	}

	/**
	 * Starts one map's counts afresh (Micrometer counters are not affected), and records who did it.
	 * The caller is found by {@link OperatorActions}, as for {@link #reset()}.
	 * @param name the map's name
	 * @return the name of the map reset, or no name for an unknown map
	 */
	@WriteOperation
	public ResetDescriptor resetMap(@Selector String name) {
		ResetDescriptor result = new ResetDescriptor(this.hotspots.reset(name) ? List.of(name) : List.of());
		this.actions.changed(null, RESET_EVENT,
				Map.of("endpoint", "safemaps", "map", name, "maps", result.reset()));
		return result;
	}

	private Set<String> mapNames() {
		Set<String> names = new TreeSet<>(this.hotspots.mapNames());
		if (this.registry != null) {
			this.registry.maps().forEach((info) -> names.add(info.name()));
		}
		return names;
	}

	private @Nullable SafeMapDescriptor describe(String name, boolean showKeys) {
		Optional<GuardedMapRegistry.MapInfo> info = (this.registry != null) ? this.registry.map(name)
				: Optional.empty();
		Optional<HotspotReport> report = this.hotspots.report(name, showKeys);
		if (info.isEmpty() && report.isEmpty()) {
			return null;
		}
		GuardMode mode = info.map(GuardedMapRegistry.MapInfo::mode)
			.orElseGet(() -> report.map(HotspotReport::mode).orElse(GuardMode.GUARD));
		String type = info.map((i) -> i.originalType().getName()).orElse(null);
		Integer size = info.map(GuardedMapRegistry.MapInfo::size).orElse(null);
		if (report.isEmpty()) {
			// a map guarded without an observer: nothing was counted
			return new SafeMapDescriptor(name, lower(mode), type, size, false, null, 0, Map.of(), 0, 0.0,
					WaitDescriptor.NONE, new HotKeysDescriptor(List.of(), List.of()),
					new CallSitesDescriptor(0, List.of()), List.of(), RacesDescriptor.EMPTY);
		}
		HotspotReport r = report.get();
		Map<String, Long> byKind = new LinkedHashMap<>();
		r.operationsByKind().forEach((operation, count) -> byKind.put(lower(operation), count));
		return new SafeMapDescriptor(name, lower(mode), type, size, true, r.since(), r.operations(), byKind,
				r.contended(), r.contentionRate(),
				WaitDescriptor.ofNanos(r.waitNanos(), r.waitP50Nanos(), r.waitP99Nanos(), r.waitMaxNanos()),
				new HotKeysDescriptor(r.hotKeysByContention().stream().map(HotKeyDescriptor::of).toList(),
						r.hotKeysByOperations().stream().map(HotKeyDescriptor::of).toList()),
				new CallSitesDescriptor(r.callSiteSamples(), r.callSites().stream().map(CallSiteDescriptor::of).toList()),
				r.segments().stream().map(SegmentDescriptor::of).toList(), RacesDescriptor.of(r));
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Every guarded map.
	 *
	 * @param maps the maps, sorted by name
	 * @since 0.1.0
	 */
	public record SafeMapsDescriptor(List<SafeMapDescriptor> maps) implements OperationResponseBody {

		public SafeMapsDescriptor {
			maps = List.copyOf(maps);
		}

	}

	/**
	 * One guarded map.
	 *
	 * @param name the map's name (its bean name)
	 * @param mode {@code guard} or {@code detect}
	 * @param type the type of the map it was made from, when known
	 * @param size its number of entries now, when known
	 * @param observed whether the map reports to the accounting (false: nothing below was counted)
	 * @param since when counting started (startup or last reset)
	 * @param operations operations since {@code since}
	 * @param operationsByKind operations per kind ({@code get}, {@code put}, ...), every kind present
	 * @param contended operations that waited for another thread on the same key or segment
	 * @param contentionRate {@code contended / operations}
	 * @param waitTime wait times of contended operations
	 * @param hotKeys the hottest keys
	 * @param callSites the call sites of contended operations (sampled)
	 * @param segments the most contended segments (lock stripes)
	 * @param races race reports (detect mode)
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS) // every field present, null when unknown
	public record SafeMapDescriptor(String name, String mode, @Nullable String type, @Nullable Integer size,
			boolean observed, @Nullable Instant since, long operations, Map<String, Long> operationsByKind,
			long contended, double contentionRate, WaitDescriptor waitTime, HotKeysDescriptor hotKeys,
			CallSitesDescriptor callSites, List<SegmentDescriptor> segments,
			RacesDescriptor races) implements OperationResponseBody {

		public SafeMapDescriptor {
			operationsByKind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(operationsByKind));
			segments = List.copyOf(segments);
		}

	}

	/**
	 * Wait times of contended operations, in milliseconds with a fraction (percentiles are estimates of the
	 * accounting's quantiles sketch, the same the {@code safemap.map.wait.percentile} gauges publish).
	 *
	 * @param totalMillis total wait
	 * @param p50Millis median wait
	 * @param p99Millis 99th percentile wait
	 * @param maxMillis longest wait
	 * @since 0.1.0
	 */
	public record WaitDescriptor(double totalMillis, double p50Millis, double p99Millis, double maxMillis) {

		static final WaitDescriptor NONE = new WaitDescriptor(0, 0, 0, 0);

		static WaitDescriptor ofNanos(long total, long p50, long p99, long max) {
			return new WaitDescriptor(millis(total), millis(p50), millis(p99), millis(max));
		}

	}

	/** A duration in nanoseconds as milliseconds with a fraction: the unit of every SafeMap duration in JSON. */
	static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

	/**
	 * The hottest keys of a map, as masks unless raw keys may be shown.
	 *
	 * @param byContention keys that waited most often
	 * @param byOperations keys used most often (estimated from a sample)
	 * @since 0.1.0
	 */
	public record HotKeysDescriptor(List<HotKeyDescriptor> byContention, List<HotKeyDescriptor> byOperations) {

		public HotKeysDescriptor {
			byContention = List.copyOf(byContention);
			byOperations = List.copyOf(byOperations);
		}

	}

	/**
	 * One hot key.
	 *
	 * @param key the key's mask ({@code #} and 10 hex digits), the key itself when shown, or
	 * {@code unresolved}
	 * @param count estimated (contended) operations on the key
	 * @param share the key's share of all (contended) operations counted, 0 to 1
	 * @param waitMillis estimated total wait on the key, in milliseconds (0 in {@code byOperations})
	 * @since 0.1.0
	 */
	public record HotKeyDescriptor(String key, long count, double share, double waitMillis) {

		static HotKeyDescriptor of(HotKey key) {
			return new HotKeyDescriptor(key.key(), key.count(), key.share(), millis(key.waitNanos()));
		}

	}

	/**
	 * Sampled call sites of contended operations.
	 *
	 * @param samples contended operations whose call site was captured
	 * @param top the sites, longest total wait first
	 * @since 0.1.0
	 */
	public record CallSitesDescriptor(long samples, List<CallSiteDescriptor> top) {

		public CallSitesDescriptor {
			top = List.copyOf(top);
		}

	}

	/**
	 * One call site.
	 *
	 * @param site {@code class.method:line}
	 * @param className the class
	 * @param methodName the method
	 * @param lineNumber the line, negative when unknown
	 * @param samples sampled contended operations from this site
	 * @param share share of all samples, 0 to 1
	 * @param waitMillis total wait of the samples, in milliseconds
	 * @param maxWaitMillis longest wait of a sample, in milliseconds
	 * @param keys the keys this site waited on most
	 * @since 0.1.0
	 */
	public record CallSiteDescriptor(String site, String className, String methodName, int lineNumber, long samples,
			double share, double waitMillis, double maxWaitMillis, List<String> keys) {

		public CallSiteDescriptor {
			keys = List.copyOf(keys);
		}

		static CallSiteDescriptor of(CallSiteStats stats) {
			CallSite site = stats.site();
			return new CallSiteDescriptor(site.toString(), site.className(), site.methodName(), site.lineNumber(),
					stats.samples(), stats.share(), millis(stats.waitNanos()), millis(stats.maxWaitNanos()),
					stats.topKeys());
		}

	}

	/**
	 * One segment (lock stripe).
	 *
	 * @param segment its index
	 * @param contended contended operations on it
	 * @param share its share of all contended operations, 0 to 1
	 * @since 0.1.0
	 */
	public record SegmentDescriptor(int segment, long contended, double share) {

		static SegmentDescriptor of(SegmentCount count) {
			return new SegmentDescriptor(count.segment(), count.contended(), count.share());
		}

	}

	/**
	 * Races of a map in detect mode.
	 *
	 * @param total races detected since {@code since}, every one, reported or not
	 * @param byKind races detected per kind, every kind present
	 * @param reported race reports since {@code since}: detect mode reports a race of the same kind between the
	 * same two call sites at most once a second, so this is at most {@code total}
	 * @param recent the newest reports, newest first
	 * @since 0.1.0
	 */
	public record RacesDescriptor(long total, Map<String, Long> byKind, long reported, List<RaceDescriptor> recent) {

		static final RacesDescriptor EMPTY = of(Map.of(), 0, List.of());

		public RacesDescriptor {
			byKind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byKind));
			recent = List.copyOf(recent);
		}

		static RacesDescriptor of(HotspotReport report) {
			return of(report.races(), report.totalReportedRaces(), report.recentRaces());
		}

		private static RacesDescriptor of(Map<RaceReport.Kind, Long> counts, long reported, List<RaceReport> recent) {
			Map<String, Long> byKind = new LinkedHashMap<>();
			long total = 0;
			for (RaceReport.Kind kind : RaceReport.Kind.values()) {
				long count = counts.getOrDefault(kind, 0L);
				byKind.put(lower(kind), count);
				total += count;
			}
			return new RacesDescriptor(total, byKind, reported, recent.stream().map(RaceDescriptor::of).toList());
		}

	}

	/**
	 * One race report.
	 *
	 * @param kind {@code concurrent_write}, {@code write_during_iteration} or {@code lost_update}
	 * @param operation the operation that completed the race
	 * @param key the key involved, masked unless the guard is configured to show keys
	 * @param site where the operation that completed the race was called
	 * @param otherSite where the conflicting access was made
	 * @param thread the thread that completed the race
	 * @param otherThread the thread of the conflicting access
	 * @param time when the race was detected
	 * @since 0.1.0
	 */
	public record RaceDescriptor(String kind, String operation, String key, String site, String otherSite,
			String thread, String otherThread, Instant time) {

		static RaceDescriptor of(RaceReport report) {
			return new RaceDescriptor(lower(report.kind()), lower(report.operation()), report.maskedKey(),
					report.site().toString(), report.otherSite().toString(), report.thread(), report.otherThread(),
					report.time());
		}

	}

	/**
	 * The result of a reset.
	 *
	 * @param reset the names of the maps whose counts were started afresh
	 * @since 0.1.0
	 */
	public record ResetDescriptor(List<String> reset) implements OperationResponseBody {

		public ResetDescriptor {
			reset = List.copyOf(reset);
		}

	}

}
