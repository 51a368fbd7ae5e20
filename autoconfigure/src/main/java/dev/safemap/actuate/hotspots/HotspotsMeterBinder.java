package dev.safemap.actuate.hotspots;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsListener;
import dev.safemap.hotspots.MapStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the accounting of every guarded map as Micrometer meters, tagged with the map's name
 * (never with a key): {@code safemap.map.operations} (tag {@code op}), {@code safemap.map.contended},
 * {@code safemap.map.wait}, {@code safemap.map.wait.percentile} (tag {@code phi}, one per configured
 * percentile), {@code safemap.map.size}, {@code safemap.races} (every race detected) and
 * {@code safemap.races.reported} (the races reported, at most one a second per kind and pair of call sites),
 * both tagged {@code kind}. Maps guarded after the registry is bound get their meters when they appear.
 * <p>
 * The wait timer publishes count, total and max (and, when asked, a percentile histogram for server-side
 * aggregation) but no client-side percentiles of its own: {@code safemap.map.wait.percentile} gauges read the
 * accounting's quantiles sketch, the one the {@code safemaps} endpoint reports, so the endpoint's
 * {@code p99Millis} and the published 0.99 percentile are one estimate (since the accounting's last reset).
 * <p>
 * Counters read the accounting's monotonic counters, so they cost nothing on the map's hot path and
 * are not affected by the endpoint's reset; only the wait timer is recorded per contended operation.
 * <p>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public class HotspotsMeterBinder implements MeterBinder, HotspotsListener {

	static final String OPERATIONS = "safemap.map.operations";

	static final String CONTENDED = "safemap.map.contended";

	static final String WAIT = "safemap.map.wait";

	static final String SIZE = "safemap.map.size";

	static final String WAIT_PERCENTILE = "safemap.map.wait.percentile";

	static final String RACES = "safemap.races";

	static final String RACES_REPORTED = "safemap.races.reported";

	private final Hotspots hotspots;

	private final double[] percentiles;

	private final boolean percentileHistogram;

	private final Function<String, @Nullable Integer> sizes;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Map<String, List<Timer>> waitTimers = new ConcurrentHashMap<>();

	private final AtomicBoolean listening = new AtomicBoolean();

	/**
	 * Creates a binder.
	 * @param hotspots the accounting
	 * @param percentiles percentiles of the wait to publish as {@code safemap.map.wait.percentile} gauges, each
	 * from 0 to 1
	 * @param percentileHistogram whether to publish a percentile histogram of the wait timer
	 * @param sizes the current size of a map by name, or null when unknown
	 * @throws IllegalArgumentException if a percentile is not from 0 to 1 (its value is in the message)
	 */
	public HotspotsMeterBinder(Hotspots hotspots, double[] percentiles, boolean percentileHistogram,
			Function<String, @Nullable Integer> sizes) {
		for (double percentile : percentiles) {
			if (!(percentile >= 0.0 && percentile <= 1.0)) {
				throw new IllegalArgumentException("each percentile must be from 0 to 1 but was " + percentile);
			}
		}
		this.hotspots = hotspots;
		this.percentiles = percentiles.clone();
		this.percentileHistogram = percentileHistogram;
		this.sizes = sizes;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		if (this.listening.compareAndSet(false, true)) {
			// replays mapAdded for the maps guarded so far, into every registry bound so far
			this.hotspots.addListener(this);
		}
		else {
			for (String name : this.hotspots.mapNames()) {
				this.hotspots.stats(name).ifPresent((stats) -> register(registry, stats));
			}
		}
	}

	@Override
	public void mapAdded(MapStats map) {
		for (MeterRegistry registry : this.registries) {
			register(registry, map);
		}
	}

	private void register(MeterRegistry registry, MapStats map) {
		String name = map.mapName();
		for (MapOperation operation : MapOperation.values()) {
			FunctionCounter.builder(OPERATIONS, map, (stats) -> stats.operations(operation))
				.description("Operations on a guarded map")
				.tag("map", name)
				.tag("op", operation.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		FunctionCounter.builder(CONTENDED, map, MapStats::contended)
			.description("Operations on a guarded map that waited for another thread on the same key or segment")
			.tag("map", name)
			.register(registry);
		for (RaceReport.Kind kind : RaceReport.Kind.values()) {
			FunctionCounter.builder(RACES, map, (stats) -> stats.races(kind))
				.description("Unsafe uses of a map detected in detect mode, every one, reported or not")
				.tag("map", name)
				.tag("kind", kind.name().toLowerCase(Locale.ROOT))
				.register(registry);
			FunctionCounter.builder(RACES_REPORTED, map, (stats) -> stats.reportedRaces(kind))
				.description("Race reports of detect mode: at most one a second per kind and pair of call sites")
				.tag("map", name)
				.tag("kind", kind.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		for (double percentile : this.percentiles) {
			Gauge.builder(WAIT_PERCENTILE, map, (stats) -> stats.waitQuantileNanos(percentile) / 1e9)
				.description("Wait of contended operations at a percentile, since the accounting's last reset: "
						+ "the estimate the safemaps endpoint reports")
				.baseUnit("seconds")
				.tag("map", name)
				.tag("phi", phi(percentile))
				.register(registry);
		}
		Gauge.builder(SIZE, this.sizes, (sizes) -> {
			Integer size = sizes.apply(name);
			return (size != null) ? size : Double.NaN;
		}).description("Entries in a guarded map").tag("map", name).register(registry);
		Timer timer = Timer.builder(WAIT)
			.description("Time operations on a guarded map waited for another thread")
			.tag("map", name)
			.publishPercentileHistogram(this.percentileHistogram)
			.minimumExpectedValue(Duration.ofNanos(1_000))
			.register(registry);
		this.waitTimers.computeIfAbsent(name, (key) -> new CopyOnWriteArrayList<>()).add(timer);
	}

	/** The {@code phi} tag of a percentile: {@code 0.5}, {@code 0.99}, {@code 0.999}, as Micrometer writes it. */
	static String phi(double percentile) {
		return java.math.BigDecimal.valueOf(percentile).stripTrailingZeros().toPlainString();
	}

	@Override
	public void contended(MapStats map, MapOperation operation, long waitNanos) {
		List<Timer> timers = this.waitTimers.get(map.mapName());
		if (timers != null) {
			for (Timer timer : timers) {
				timer.record(waitNanos, TimeUnit.NANOSECONDS);
			}
		}
	}

}
