package dev.safemap.actuate.context;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.safemap.context.RequestContextViolation;
import dev.safemap.context.RequestContextViolationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.Assert;

/**
 * Counts every entry the request-context policy dropped, cut or cleaned in the Micrometer counter
 * {@value #METER_NAME}, tagged {@code violation} (for example {@code too_many_entries},
 * {@code value_truncated}, {@code sensitive_key_dropped}). Keys are not used as tags: they come from
 * requests and would make the tag cardinality unbounded.
 * <p>
 * Thread-safety: thread-safe; counters are created once, lazily, when the registry is available.
 *
 * @since 0.1.0
 */
public final class ContextViolationMetrics implements RequestContextViolationListener {

	/** Name of the counter: {@value}. */
	public static final String METER_NAME = "safemap.context.violations";

	private final ObjectProvider<MeterRegistry> registry;

	private volatile Map<RequestContextViolation, Counter> counters;

	/**
	 * Creates the listener.
	 * @param registry gives the meter registry, if there is one
	 */
	public ContextViolationMetrics(ObjectProvider<MeterRegistry> registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public void onViolation(RequestContextViolation violation, String key) {
		Map<RequestContextViolation, Counter> counters = this.counters;
		if (counters == null) {
			MeterRegistry meterRegistry = this.registry.getIfAvailable();
			if (meterRegistry == null) {
				return;
			}
			counters = register(meterRegistry);
			this.counters = counters;
		}
		counters.get(violation).increment();
	}

	private static Map<RequestContextViolation, Counter> register(MeterRegistry registry) {
		Map<RequestContextViolation, Counter> counters = new EnumMap<>(RequestContextViolation.class);
		for (RequestContextViolation violation : RequestContextViolation.values()) {
			counters.put(violation, Counter.builder(METER_NAME)
				.description("Request-context entries dropped, cut or cleaned by the SafeMap limits and sanitizer")
				.tag("violation", violation.name().toLowerCase(Locale.ROOT))
				.register(registry));
		}
		return counters;
	}

}
