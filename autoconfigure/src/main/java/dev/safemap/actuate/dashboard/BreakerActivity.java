package dev.safemap.actuate.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.breaker.FallbackCacheListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard remembers about circuit breakers and fallback caches beyond their own counters: the last
 * {@value #TRANSITIONS_KEPT} state transitions of every breaker of a {@link CircuitBreakerRegistry} (and since when
 * it is in its state), and, per fallback cache, the age of the last value served from fallback and the oldest age
 * served in the last minute. Bounded: a few objects per breaker and cache; created only when the dashboard is on.
 * <p>
 * Thread-safety: thread-safe; listener methods may be called from any thread.
 *
 * @since 0.1.0
 */
public final class BreakerActivity implements FallbackCacheListener {

	/** How many transitions are kept per breaker. */
	public static final int TRANSITIONS_KEPT = 10;

	private static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();

	private final Clock clock;

	private final Map<String, Transitions> transitions = new ConcurrentHashMap<>();

	private final Map<String, Served> served = new ConcurrentHashMap<>();

	/**
	 * Creates the recorder.
	 * @param clock dates transitions and fallbacks
	 */
	public BreakerActivity(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Records the transitions of every breaker the registry has or will have.
	 * @param registry the registry
	 */
	public void watch(CircuitBreakerRegistry registry) {
		registry.getAllCircuitBreakers().forEach(this::watch);
		registry.getEventPublisher().onEntryAdded((event) -> watch(event.getAddedEntry()));
	}

	private void watch(CircuitBreaker breaker) {
		Transitions added = new Transitions(this.clock.instant());
		if (this.transitions.putIfAbsent(breaker.getName(), added) == null) {
			breaker.getEventPublisher()
				.onStateTransition((event) -> added.add(new Transition(event.getStateTransition().getFromState().name(),
						event.getStateTransition().getToState().name(), this.clock.instant())));
		}
	}

	/**
	 * Returns the recent transitions of a breaker, newest first.
	 * @param breaker the breaker's name
	 * @return the transitions, empty when none was seen
	 */
	public List<Transition> transitions(String breaker) {
		Transitions recorded = this.transitions.get(breaker);
		return (recorded != null) ? recorded.list() : List.of();
	}

	/**
	 * Returns since when a breaker is in its current state: its last transition, or when the dashboard started to
	 * watch it.
	 * @param breaker the breaker's name
	 * @return the time, or null for a breaker not watched
	 */
	public @Nullable Instant stateSince(String breaker) {
		Transitions recorded = this.transitions.get(breaker);
		return (recorded != null) ? recorded.since() : null;
	}

	@Override
	public void onFallbackServed(String cache, Object key, Duration age, @Nullable Throwable failure) {
		this.served.computeIfAbsent(cache, (name) -> new Served()).record(age.toMillis(), this.clock.millis());
	}

	/**
	 * Returns what was served from fallback by a cache.
	 * @param cache the cache's name
	 * @return the ages, or null when nothing was served from fallback
	 */
	public @Nullable FallbackAges fallbackAges(String cache) {
		Served recorded = this.served.get(cache);
		return (recorded != null) ? recorded.ages(this.clock.millis()) : null;
	}

	/**
	 * One state transition.
	 *
	 * @param from the state left
	 * @param to the state entered
	 * @param time when
	 * @since 0.1.0
	 */
	public record Transition(String from, String to, Instant time) {
	}

	/**
	 * Ages of values served from fallback.
	 *
	 * @param lastAgeMillis age of the last value served from fallback
	 * @param lastServedAt when it was served
	 * @param oldestLastMinuteMillis the oldest age served in the last minute, 0 when none was served in it
	 * @since 0.1.0
	 */
	public record FallbackAges(long lastAgeMillis, Instant lastServedAt, long oldestLastMinuteMillis) {
	}

	private static final class Transitions {

		private final ArrayDeque<Transition> recent = new ArrayDeque<>();

		private Instant since;

		Transitions(Instant since) {
			this.since = since;
		}

		synchronized void add(Transition transition) {
			if (this.recent.size() == TRANSITIONS_KEPT) {
				this.recent.removeLast();
			}
			this.recent.addFirst(transition);
			this.since = transition.time();
		}

		synchronized List<Transition> list() {
			return List.copyOf(this.recent);
		}

		synchronized Instant since() {
			return this.since;
		}

	}

	/** Two one-minute buckets: the oldest age of the current and of the previous minute. */
	private static final class Served {

		private long lastAge;

		private long lastAt;

		private long bucketStart;

		private long bucketMax;

		private long previousMax;

		synchronized void record(long ageMillis, long now) {
			roll(now);
			this.lastAge = ageMillis;
			this.lastAt = now;
			this.bucketMax = Math.max(this.bucketMax, ageMillis);
		}

		synchronized FallbackAges ages(long now) {
			roll(now);
			long oldest = (now - this.lastAt <= WINDOW_MILLIS) ? Math.max(this.bucketMax, this.previousMax) : 0;
			return new FallbackAges(this.lastAge, Instant.ofEpochMilli(this.lastAt), oldest);
		}

		private void roll(long now) {
			long elapsed = now - this.bucketStart;
			if (elapsed >= 2 * WINDOW_MILLIS) {
				this.previousMax = 0;
				this.bucketMax = 0;
				this.bucketStart = now;
			}
			else if (elapsed >= WINDOW_MILLIS) {
				this.previousMax = this.bucketMax;
				this.bucketMax = 0;
				this.bucketStart = now;
			}
		}

	}

	List<String> watched() {
		return new ArrayList<>(this.transitions.keySet());
	}

}
