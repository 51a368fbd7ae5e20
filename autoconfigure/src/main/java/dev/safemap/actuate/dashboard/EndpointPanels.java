package dev.safemap.actuate.dashboard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.actuate.compensation.CompensationsEndpoint.EntryDescriptor;
import dev.safemap.actuate.compensation.CompensationsEndpoint.QueueDescriptor;
import dev.safemap.actuate.dashboard.DashboardSnapshot.CompensationsPanel;
import dev.safemap.actuate.dashboard.DashboardSnapshot.MapsPanel;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;

import org.springframework.boot.actuate.endpoint.SecurityContext;

/**
 * The maps and compensation panels, read through the {@code safemaps} and {@code compensations} endpoints with
 * the viewer's security context: what the endpoints show that viewer, masked keys included.
 * <p>
 * Thread-safety: the functions returned are thread-safe.
 *
 * @since 0.1.0
 */
public final class EndpointPanels {

	/** How many waiting entries the compensation panel shows. */
	public static final int PENDING_SHOWN = 10;

	/** How many dead letters the compensation panel shows. */
	public static final int DEAD_SHOWN = 50;

	private EndpointPanels() {
	}

	/**
	 * The maps panel.
	 * @param endpoint the {@code safemaps} endpoint
	 * @param instance this instance's name
	 * @return the panel's source
	 */
	public static Function<SecurityContext, MapsPanel> maps(SafeMapsEndpoint endpoint, String instance) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		return (viewer) -> new MapsPanel(instance, true, null, endpoint.safeMaps(viewer).maps());
	}

	/**
	 * The compensation queue panel.
	 * @param endpoint the {@code compensations} endpoint
	 * @param scope what the queue belongs to (this instance's embedded store, or a store the fleet shares)
	 * @param writable whether the endpoint's retry and discard are open (its access is unrestricted)
	 * @return the panel's source
	 */
	public static Function<SecurityContext, CompensationsPanel> compensations(CompensationsEndpoint endpoint,
			String scope, boolean writable) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		return (viewer) -> {
			QueueDescriptor dead = endpoint.compensations("dead", 0, DEAD_SHOWN, viewer);
			Map<String, Long> counts = new LinkedHashMap<>();
			dead.counts().forEach((status, count) -> counts.put(String.valueOf(status).toLowerCase(Locale.ROOT), count));
			// an idle queue is read once per snapshot, not twice
			List<EntryDescriptor> pending = (counts.getOrDefault("pending", 0L) > 0)
					? List.copyOf(endpoint.compensations("pending", 0, PENDING_SHOWN, viewer).entries()) : List.of();
			return new CompensationsPanel(scope, true, null, writable, counts, dead.oldestPendingAgeMillis(), pending,
					List.copyOf(dead.entries()));
		};
	}

}
