package dev.safemap.actuate.compensation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationListener;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of the compensation queue: counters {@code safemap.compensation.enqueued},
 * {@code .replayed}, {@code .failed} and {@code .dead} (tag {@code target}: the target without its parameter list,
 * {@code stockClient#reserve}; at most {@value #MAX_TARGETS} distinct values, further targets are tagged
 * {@code other} with one WARN, so that a target name built from data cannot grow the tag without bound), the timer
 * {@code safemap.compensation.replay.lag} (enqueue to successful replay), and the gauges
 * {@code safemap.compensation.queue.depth} (tag {@code status}) and
 * {@code safemap.compensation.oldest.pending.age} (seconds). Gauges read the store at most once per
 * {@code refresh} interval, so scraping does not load the database.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensationMetrics implements CompensationListener, MeterBinder {

	/** Distinct {@code target} tag values at most; further targets are counted as {@code other}. */
	static final int MAX_TARGETS = 100;

	/** The tag of targets beyond {@link #MAX_TARGETS}. */
	static final String OTHER_TARGET = "other";

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(CompensationMetrics.class);

	private final Set<String> targets = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean warnedOther = new AtomicBoolean();

	private final Supplier<@Nullable CompensationRegistry> registry;

	private final long refreshNanos;

	private final List<MeterRegistry> meters = new CopyOnWriteArrayList<>();

	private volatile @Nullable Snapshot snapshot;

	/**
	 * Creates the metrics.
	 * @param registry supplies the compensation registry (lazily, as the registry itself takes this listener)
	 * @param refresh how long gauge values are cached
	 */
	public CompensationMetrics(Supplier<@Nullable CompensationRegistry> registry, Duration refresh) {
		this.registry = registry;
		this.refreshNanos = refresh.toNanos();
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		for (CompensationStatus status : CompensationStatus.values()) {
			Gauge.builder("safemap.compensation.queue.depth", this, (m) -> m.count(status))
				.tag("status", CompensationsEndpoint.name(status))
				.description("Compensation entries by state")
				.register(meterRegistry);
		}
		Gauge.builder("safemap.compensation.oldest.pending.age", this, CompensationMetrics::oldestSeconds)
			.baseUnit("seconds")
			.description("Age of the oldest compensation entry waiting for replay")
			.register(meterRegistry);
		this.meters.add(meterRegistry);
	}

	@Override
	public void enqueued(CompensationEntry entry, boolean created) {
		if (created) {
			count("safemap.compensation.enqueued", entry);
		}
	}

	@Override
	public void replayed(CompensationEntry entry, Duration lag) {
		count("safemap.compensation.replayed", entry);
		for (MeterRegistry meterRegistry : this.meters) {
			Timer.builder("safemap.compensation.replay.lag")
				.description("Time from enqueue to successful replay")
				.tag("target", targetTag(entry.target()))
				.register(meterRegistry)
				.record(lag.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void failed(CompensationEntry entry, Throwable failure) {
		count("safemap.compensation.failed", entry);
	}

	@Override
	public void dead(CompensationEntry entry, String reason) {
		count("safemap.compensation.dead", entry);
	}

	private void count(String name, CompensationEntry entry) {
		for (MeterRegistry meterRegistry : this.meters) {
			Counter.builder(name).tag("target", targetTag(entry.target())).register(meterRegistry).increment();
		}
	}

	/**
	 * The {@code target} tag of a target: without its parameter list, and {@code other} beyond
	 * {@value #MAX_TARGETS} distinct values.
	 * @param target the entry's target, for example {@code stockClient#reserve(com.example.Reservation)}
	 * @return the tag value, for example {@code stockClient#reserve}
	 */
	String targetTag(String target) {
		int parameters = target.indexOf('(');
		String tag = (parameters > 0) ? target.substring(0, parameters) : target;
		if (this.targets.contains(tag)) {
			return tag;
		}
		synchronized (this.targets) {
			if (this.targets.size() < MAX_TARGETS) {
				this.targets.add(tag);
				return tag;
			}
		}
		if (this.warnedOther.compareAndSet(false, true)) {
			logger.warn("More than {} compensation targets: the safemap.compensation.* meters count '{}' and every "
					+ "further target under target=other (a target name built from data would grow the tag without "
					+ "bound; name targets by method or operation)", MAX_TARGETS, tag);
		}
		return OTHER_TARGET;
	}

	private double count(CompensationStatus status) {
		Snapshot current = current();
		return (current != null) ? current.counts.getOrDefault(status, 0L) : Double.NaN;
	}

	private double oldestSeconds() {
		Snapshot current = current();
		return (current != null) ? current.oldestSeconds : Double.NaN;
	}

	private @Nullable Snapshot current() {
		Snapshot current = this.snapshot;
		long now = System.nanoTime();
		if (current == null || now - current.takenAt > this.refreshNanos) {
			CompensationRegistry target = this.registry.get();
			if (target == null) {
				return null;
			}
			double oldest = target.oldestPendingAge().map((age) -> age.toMillis() / 1000.0).orElse(0.0);
			current = new Snapshot(now, target.counts(), oldest);
			this.snapshot = current;
		}
		return current;
	}

	private record Snapshot(long takenAt, Map<CompensationStatus, Long> counts, double oldestSeconds) {
	}

}
