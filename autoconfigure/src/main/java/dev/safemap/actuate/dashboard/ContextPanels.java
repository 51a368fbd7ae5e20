package dev.safemap.actuate.dashboard;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import dev.safemap.actuate.context.ContextViolationMetrics;
import dev.safemap.actuate.dashboard.DashboardSnapshot.ContextPanel;
import dev.safemap.context.RequestContextViolation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The request-context panel: the {@value ContextViolationMetrics#METER_NAME} counters by kind (what
 * {@code /actuator/metrics} shows), every kind present.
 * <p>
 * Thread-safety: the supplier returned is thread-safe.
 *
 * @since 0.1.0
 */
public final class ContextPanels {

	private ContextPanels() {
	}

	/**
	 * The panel.
	 * @param registry the meter registry the violations are counted in
	 * @param instance this instance's name
	 * @return the panel's source
	 */
	public static Supplier<ContextPanel> of(MeterRegistry registry, String instance) {
		Objects.requireNonNull(registry, "registry must not be null");
		return () -> {
			Map<String, Long> counts = new LinkedHashMap<>();
			for (RequestContextViolation violation : RequestContextViolation.values()) {
				counts.put(violation.name().toLowerCase(Locale.ROOT), 0L);
			}
			for (Counter counter : registry.find(ContextViolationMetrics.METER_NAME).counters()) {
				String kind = counter.getId().getTag("violation");
				if (kind != null) {
					counts.merge(kind, (long) counter.count(), Long::sum);
				}
			}
			return new ContextPanel(instance, true, null, counts);
		};
	}

}
