package dev.safemap.actuate.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.safemap.actuate.compensation.CompensationsEndpoint.EntryDescriptor;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint.SafeMapDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * What one open dashboard page is sent: the problems strip and the four panels, each naming the instance (or the
 * shared store) it shows. A panel whose source is absent says why ({@code note}) instead of showing data.
 * <p>
 * Immutable and thread-safe.
 *
 * @param instance the instance that answered
 * @param time when the snapshot was taken
 * @param operate whether the viewer may retry and discard from the page
 * @param fleetDashboardUrl a fleet dashboard to link, or null
 * @param problems actionable warnings, most serious first
 * @param maps the maps panel
 * @param breakers the fallback caches panel
 * @param compensations the compensation queue panel
 * @param context the request-context panel
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DashboardSnapshot(String instance, Instant time, boolean operate, @Nullable String fleetDashboardUrl,
		List<Problem> problems, MapsPanel maps, BreakersPanel breakers, CompensationsPanel compensations,
		ContextPanel context) {

	/**
	 * One warning of the problems strip.
	 *
	 * @param kind {@code breaker-open}, {@code dead-letters}, {@code races} or {@code staleness}
	 * @param panel the panel it links to ({@code maps}, {@code breakers}, {@code compensations}, {@code context})
	 * @param text the warning in words
	 * @param since since when the problem exists, when known (the page shows for how long)
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Problem(String kind, String panel, String text, @Nullable Instant since) {
	}

	/**
	 * The maps, as the {@code safemaps} endpoint describes them to this viewer.
	 *
	 * @param instance the instance whose maps these are
	 * @param available whether the endpoint is available
	 * @param note why not, when not available
	 * @param maps the maps
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record MapsPanel(String instance, boolean available, @Nullable String note, List<SafeMapDescriptor> maps) {
	}

	/**
	 * The fallback caches and every other circuit breaker.
	 *
	 * @param instance the instance whose caches and breakers these are
	 * @param available whether fallback caches are configured
	 * @param note why not, when not available
	 * @param storage where last known good values are stored
	 * @param caches the fallback caches
	 * @param otherBreakers breakers without a fallback cache (for example a compensation target's)
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record BreakersPanel(String instance, boolean available, @Nullable String note, @Nullable String storage,
			List<CacheView> caches, List<BreakerView> otherBreakers) {
	}

	/**
	 * One fallback cache.
	 *
	 * @param name its name
	 * @param breaker its circuit breaker
	 * @param servingStale whether it is serving stale values now
	 * @param hits answers from a young stored value
	 * @param downstreamCalls calls that reached the downstream
	 * @param fallbacks answers served from fallback (downstream failed or breaker open)
	 * @param staleRejected values too old to be served
	 * @param maxStalenessMillis the staleness budget
	 * @param lastFallbackAgeMillis age of the last value served from fallback, null when none was
	 * @param oldestServedLastMinuteMillis oldest age served from fallback in the last minute
	 * @param stalenessBudgetUsed {@code oldestServedLastMinuteMillis / maxStalenessMillis}, 0 to 1
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record CacheView(String name, BreakerView breaker, boolean servingStale, long hits, long downstreamCalls,
			long fallbacks, long staleRejected, long maxStalenessMillis, @Nullable Long lastFallbackAgeMillis,
			long oldestServedLastMinuteMillis, double stalenessBudgetUsed) {
	}

	/**
	 * One circuit breaker.
	 *
	 * @param name its name
	 * @param state {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}...
	 * @param since when it entered that state (or when the dashboard started to watch it)
	 * @param failureRate failure rate in percent, -1 until enough calls were made
	 * @param transitions recent transitions, newest first
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record BreakerView(String name, String state, @Nullable Instant since, float failureRate,
			List<BreakerActivity.Transition> transitions) {
	}

	/**
	 * The compensation queue, as the {@code compensations} endpoint describes it to this viewer.
	 *
	 * @param instance what the queue belongs to: this instance's embedded store or a store shared by the fleet
	 * @param available whether the endpoint is available
	 * @param note why not, when not available
	 * @param writable whether retry and discard are open (the endpoint's access is unrestricted)
	 * @param counts entries by state
	 * @param oldestPendingAgeMillis age of the oldest waiting entry, 0 when none waits
	 * @param pending the next waiting entries, with their next attempt
	 * @param dead the dead letters, with their reason and attempts
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record CompensationsPanel(String instance, boolean available, @Nullable String note, boolean writable,
			Map<String, Long> counts, long oldestPendingAgeMillis, List<EntryDescriptor> pending,
			List<EntryDescriptor> dead) {
	}

	/**
	 * Request-context violations by kind.
	 *
	 * @param instance the instance whose counts these are
	 * @param available whether the counts exist (Micrometer and the request-context feature)
	 * @param note why not, when not available
	 * @param violations count per kind, every kind present
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ContextPanel(String instance, boolean available, @Nullable String note,
			Map<String, Long> violations) {
	}

}
