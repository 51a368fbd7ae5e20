package dev.safemap.actuate.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakerView;
import dev.safemap.actuate.dashboard.DashboardSnapshot.BreakersPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.CacheView;
import dev.safemap.actuate.dashboard.DashboardSnapshot.CompensationsPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.ContextPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.MapsPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.Problem;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint.SafeMapDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * Builds what a dashboard page shows from its sources (each optional: a panel without its source says what is
 * missing), and the problems strip from the panels. The maps and compensation panels are read through the
 * {@code safemaps} and {@code compensations} endpoints with the viewer's {@link SecurityContext}, so that they show
 * exactly what those endpoints show that viewer (masked keys included).
 * <p>
 * Thread-safety: thread-safe when its sources are.
 *
 * @since 0.1.0
 */
public final class DashboardData {

	/** Share of the staleness budget above which the problems strip warns. */
	public static final double STALENESS_WARNING = 0.8;

	private final String instance;

	private final Clock clock;

	private final @Nullable String fleetDashboardUrl;

	private final Function<SecurityContext, MapsPanel> maps;

	private final Supplier<BreakersPanel> breakers;

	private final Function<SecurityContext, CompensationsPanel> compensations;

	private final Supplier<ContextPanel> context;

	private DashboardData(Builder builder) {
		this.instance = builder.instance;
		this.clock = builder.clock;
		this.fleetDashboardUrl = builder.fleetDashboardUrl;
		String instance = this.instance;
		this.maps = (builder.maps != null) ? builder.maps : (viewer) -> new MapsPanel(instance, false,
				"the safemaps endpoint is not available: add safemaps to management.endpoints.web.exposure.include",
				List.of());
		this.breakers = (builder.breakers != null) ? builder.breakers : () -> new BreakersPanel(instance, false,
				"no fallback caches: the breaker feature is off or Resilience4j is missing", null, List.of(), List.of());
		this.compensations = (builder.compensations != null) ? builder.compensations
				: (viewer) -> new CompensationsPanel(instance, false, "the compensations endpoint is not available: "
						+ "add compensations to management.endpoints.web.exposure.include", false,
						java.util.Map.of(), 0, List.of(), List.of());
		this.context = (builder.context != null) ? builder.context : () -> new ContextPanel(instance, false,
				"no counts: the request-context feature or Micrometer is missing", java.util.Map.of());
	}

	/**
	 * Starts building.
	 * @param instance the name of this instance, shown on every panel
	 * @return a builder
	 */
	public static Builder builder(String instance) {
		return new Builder(instance);
	}

	/**
	 * Returns the name of this instance.
	 * @return the name
	 */
	public String instance() {
		return this.instance;
	}

	/**
	 * Takes a snapshot for one viewer.
	 * @param viewer the viewer, for masking (as the endpoints decide it)
	 * @param operate whether the viewer may operate
	 * @return the snapshot
	 */
	public DashboardSnapshot snapshot(SecurityContext viewer, boolean operate) {
		MapsPanel maps = this.maps.apply(viewer);
		BreakersPanel breakers = this.breakers.get();
		CompensationsPanel compensations = this.compensations.apply(viewer);
		ContextPanel context = this.context.get();
		boolean canOperate = operate && compensations.writable();
		return new DashboardSnapshot(this.instance, this.clock.instant(), canOperate, this.fleetDashboardUrl,
				problems(maps, breakers, compensations), maps, breakers, compensations, context);
	}

	/**
	 * The problems strip: open breakers, staleness budgets nearly spent, dead letters waiting, races reported.
	 * @param maps the maps panel
	 * @param breakers the breakers panel
	 * @param compensations the compensations panel
	 * @return the problems, most serious first
	 */
	static List<Problem> problems(MapsPanel maps, BreakersPanel breakers, CompensationsPanel compensations) {
		List<Problem> problems = new ArrayList<>();
		List<BreakerView> all = new ArrayList<>();
		breakers.caches().forEach((cache) -> all.add(cache.breaker()));
		all.addAll(breakers.otherBreakers());
		for (BreakerView breaker : all) {
			if (breaker.state().contains("OPEN") && !breaker.state().equals("HALF_OPEN")) {
				problems.add(new Problem("breaker-open", "breakers", "Circuit breaker '" + breaker.name() + "' is "
						+ breaker.state().toLowerCase(Locale.ROOT).replace('_', ' ')
						+ ": calls to its downstream are refused and fallback values are served", breaker.since()));
			}
		}
		for (CacheView cache : breakers.caches()) {
			if (cache.stalenessBudgetUsed() >= STALENESS_WARNING) {
				problems.add(new Problem("staleness", "breakers",
						"Fallback cache '" + cache.name() + "' served a value "
								+ words(Duration.ofMillis(cache.oldestServedLastMinuteMillis())) + " old: "
								+ Math.round(cache.stalenessBudgetUsed() * 100) + "% of its "
								+ words(Duration.ofMillis(cache.maxStalenessMillis())) + " staleness budget",
						null));
			}
		}
		long dead = compensations.counts().getOrDefault("dead", 0L);
		if (dead > 0) {
			problems.add(new Problem("dead-letters", "compensations", dead + ((dead == 1) ? " dead letter waits"
					: " dead letters wait") + " for an operator: retry once the downstream is back, or discard it "
					+ "with a reason", null));
		}
		for (SafeMapDescriptor map : maps.maps()) {
			long races = map.races().total();
			if (races > 0) {
				problems.add(new Problem("races", "maps", races + ((races == 1) ? " race" : " races")
						+ " reported on map '" + map.name() + "': two threads wrote it without a guard", null));
			}
		}
		return problems;
	}

	/**
	 * Writes a duration in words, to the second: {@code 4m 10s}.
	 * @param duration the duration
	 * @return the words
	 */
	static String words(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds < 60) {
			return seconds + "s";
		}
		long minutes = seconds / 60;
		if (minutes < 60) {
			return minutes + "m" + ((seconds % 60 != 0) ? " " + (seconds % 60) + "s" : "");
		}
		return (minutes / 60) + "h" + ((minutes % 60 != 0) ? " " + (minutes % 60) + "m" : "");
	}

	/**
	 * Builds {@link DashboardData}. Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final String instance;

		private Clock clock = Clock.systemUTC();

		private @Nullable String fleetDashboardUrl;

		private @Nullable Function<SecurityContext, MapsPanel> maps;

		private @Nullable Supplier<BreakersPanel> breakers;

		private @Nullable Function<SecurityContext, CompensationsPanel> compensations;

		private @Nullable Supplier<ContextPanel> context;

		private Builder(String instance) {
			this.instance = Objects.requireNonNull(instance, "instance must not be null");
		}

		/**
		 * Sets the clock that dates snapshots.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Sets the fleet dashboard linked from the page.
		 * @param url the address, or null for none
		 * @return this builder
		 */
		public Builder fleetDashboardUrl(@Nullable String url) {
			this.fleetDashboardUrl = url;
			return this;
		}

		/**
		 * Sets the source of the maps panel.
		 * @param maps the source
		 * @return this builder
		 */
		public Builder maps(Function<SecurityContext, MapsPanel> maps) {
			this.maps = maps;
			return this;
		}

		/**
		 * Sets the source of the fallback caches panel.
		 * @param breakers the source
		 * @return this builder
		 */
		public Builder breakers(Supplier<BreakersPanel> breakers) {
			this.breakers = breakers;
			return this;
		}

		/**
		 * Sets the source of the compensation queue panel.
		 * @param compensations the source
		 * @return this builder
		 */
		public Builder compensations(Function<SecurityContext, CompensationsPanel> compensations) {
			this.compensations = compensations;
			return this;
		}

		/**
		 * Sets the source of the request-context panel.
		 * @param context the source
		 * @return this builder
		 */
		public Builder context(Supplier<ContextPanel> context) {
			this.context = context;
			return this;
		}

		/**
		 * Builds the data source.
		 * @return the data source
		 */
		public DashboardData build() {
			return new DashboardData(this);
		}

	}

}
