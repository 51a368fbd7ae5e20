package dev.safemap.jfr;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import dev.safemap.support.KeyMasker;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits SafeMap's flight recorder events. Each method first asks the event whether a recording
 * wants it ({@code isEnabled()}, and {@code shouldCommit()} for thresholds), and only then masks the
 * key, captures the call site or builds text. Before that, while the flight recorder has never been started in
 * this JVM ({@link FlightRecorder#isInitialized()}: no {@code -XX:StartFlightRecording}, no {@code jcmd JFR.start},
 * no recording API used), a call returns after one static load and allocates nothing, even where the JIT could
 * not remove the event object (a contended write calls here, and under contention nearly every write is one);
 * once it has, a call with no recording, or a recording that leaves SafeMap's events off, costs a check and
 * allocates nothing once the JIT has removed the event object.
 * The event names are the constants below; their settings are in
 * {@value SafeMapFlightRecorder#SETTINGS_RESOURCE}.
 * <p>
 * The JVM system property {@value #HOOKS_PROPERTY}{@code =false} takes the calls out altogether: it is read once,
 * into a constant, when this class is initialized, and every method then returns before it touches an event, so
 * the JIT removes the calls from the compiled code and no recording gets any SafeMap event. It exists to measure
 * what the calls cost against their absence, and for a JVM whose recordings must never hold SafeMap's events
 * whatever their settings say. It is a JVM flag ({@code -D}), not a Spring property.
 * <p>
 * Thread-safety: every method may be called from any thread.
 *
 * @since 0.1.0
 */
public final class SafeMapEvents {

	/** Name of the contended map operation event. */
	public static final String CONTENDED = "dev.safemap.ContendedOperation";

	/** Name of the race reported event. */
	public static final String RACE = "dev.safemap.RaceReported";

	/** Name of the fallback served event. */
	public static final String FALLBACK = "dev.safemap.FallbackServed";

	/** Name of the breaker transition event. */
	public static final String BREAKER = "dev.safemap.BreakerTransition";

	/** Name of the compensation queued event. */
	public static final String COMPENSATION_QUEUED = "dev.safemap.CompensationQueued";

	/** Name of the compensation replayed event. */
	public static final String COMPENSATION_REPLAYED = "dev.safemap.CompensationReplayed";

	/** Name of the compensation dead-lettered event. */
	public static final String COMPENSATION_DEAD = "dev.safemap.CompensationDeadLettered";

	/**
	 * The JVM system property that switches the event calls off: {@value}; {@code false} takes them out,
	 * {@code true} or no value keeps them (any other value keeps them and logs a warning).
	 * @since 0.1.0
	 */
	public static final String HOOKS_PROPERTY = "dev.safemap.jfr.events";

	private static final Logger logger = LoggerFactory.getLogger(SafeMapEvents.class);

	/** Whether the calls below do anything: a constant, so that the JIT folds the check away. */
	private static final boolean HOOKS = hooks(System.getProperty(HOOKS_PROPERTY));

	private SafeMapEvents() {
	}

	/** The contended event's type, looked up once the flight recorder has started (never before). */
	private static final class ContendedType {

		static final EventType TYPE = EventType.getEventType(ContendedOperationEvent.class);

	}

	/** No recording can want an event: the calls are out, or the flight recorder was never started. */
	private static boolean off() {
		return !HOOKS || !FlightRecorder.isInitialized();
	}

	/**
	 * Whether the event calls are in this JVM: false when it was started with {@code -D}{@value #HOOKS_PROPERTY}
	 * {@code =false}. When false, no recording gets any of SafeMap's events.
	 * @return whether the events can be recorded
	 * @since 0.1.0
	 */
	public static boolean hooksEnabled() {
		return HOOKS;
	}

	/** Reads the switch, saying once what it does when set (package-private for tests). */
	static boolean hooks(@Nullable String value) {
		if (value == null) {
			return true;
		}
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.equals("false")) {
			logger.info("SafeMap's flight recorder events are off in this JVM (-D{}=false): no recording gets them",
					HOOKS_PROPERTY);
			return false;
		}
		if (!text.equals("true")) {
			logger.warn("Ignoring -D{}='{}' (use true or false): SafeMap's flight recorder events stay on",
					HOOKS_PROPERTY, value);
		}
		return true;
	}

	/**
	 * A keyed write that waited {@code waitNanos} for another write on its stripe. The key is masked
	 * and the call site captured only when the event is recorded (enabled, and the wait at least the
	 * recording's {@code waitThreshold}).
	 * @param map the map's name
	 * @param operation the operation
	 * @param key the key
	 * @param masker masks the key
	 * @param showKeys whether the raw key may be shown
	 * @param waitNanos the wait
	 * @param callSite captures the call site (a stack walk), called only when the event is recorded
	 */
	public static void contended(String map, Object operation, Object key, KeyMasker masker, boolean showKeys,
			long waitNanos, Supplier<?> callSite) {
		// asked on the event type, not on a new event: under contention nearly every write calls here, and the
		// JIT does not always remove an event object that is never committed
		if (off() || !ContendedType.TYPE.isEnabled()) {
			return;
		}
		ContendedOperationEvent event = new ContendedOperationEvent();
		event.waitNanos = waitNanos;
		if (!event.shouldCommit()) {
			return;
		}
		event.map = map;
		event.operation = String.valueOf(operation);
		event.key = masker.maskUnless(key, showKeys);
		event.callSite = String.valueOf(callSite.get());
		event.commit();
	}

	/**
	 * A race report (already masked and rate-limited by the map).
	 * @param map the map's name
	 * @param mode the map's mode
	 * @param kind the kind of race
	 * @param operation the operation
	 * @param maskedKey the masked key
	 * @param callSite the reporting thread's call site
	 * @param otherCallSite the other thread's call site
	 * @param otherThread the other thread's name
	 */
	public static void race(String map, Object mode, Object kind, Object operation, String maskedKey, Object callSite,
			Object otherCallSite, String otherThread) {
		if (off()) {
			return;
		}
		RaceReportedEvent event = new RaceReportedEvent();
		if (!event.isEnabled()) {
			return;
		}
		event.map = map;
		event.mode = String.valueOf(mode);
		event.kind = String.valueOf(kind);
		event.operation = String.valueOf(operation);
		event.key = maskedKey;
		event.callSite = String.valueOf(callSite);
		event.otherCallSite = String.valueOf(otherCallSite);
		event.otherThread = otherThread;
		event.commit();
	}

	/**
	 * A fallback cache served its last known good value.
	 * @param cache the cache's name
	 * @param key the key
	 * @param masker masks the key
	 * @param showKeys whether the raw key may be shown
	 * @param ageMillis the value's age
	 * @param failure the downstream's failure, or {@code null} when the breaker did not permit the call
	 */
	public static void fallbackServed(String cache, Object key, KeyMasker masker, boolean showKeys, long ageMillis,
			@Nullable Throwable failure) {
		if (off()) {
			return;
		}
		FallbackServedEvent event = new FallbackServedEvent();
		if (!event.isEnabled()) {
			return;
		}
		event.cache = cache;
		event.key = masker.maskUnless(key, showKeys);
		event.age = ageMillis;
		// the failure's class only: a message may carry arguments or a downstream's body
		event.reason = (failure != null) ? failure.getClass().getName() : "circuit breaker open";
		event.commit();
	}

	/**
	 * A circuit breaker changed state.
	 * @param breaker the breaker's name
	 * @param from the state it left
	 * @param to the state it entered
	 */
	public static void breakerTransition(String breaker, Object from, Object to) {
		if (off()) {
			return;
		}
		BreakerTransitionEvent event = new BreakerTransitionEvent();
		if (!event.isEnabled()) {
			return;
		}
		event.breaker = breaker;
		event.from = String.valueOf(from);
		event.to = String.valueOf(to);
		event.commit();
	}

	/**
	 * A write was queued for compensation.
	 * @param id the entry's id
	 * @param target the target
	 * @param idempotencyKey the idempotency key (masked here)
	 * @param masker masks the key
	 * @param created false when the key was already waiting
	 */
	public static void compensationQueued(String id, String target, String idempotencyKey, KeyMasker masker,
			boolean created) {
		if (off()) {
			return;
		}
		CompensationEvent.Queued event = new CompensationEvent.Queued();
		if (!event.isEnabled()) {
			return;
		}
		event.id = id;
		event.target = target;
		event.key = masker.mask(idempotencyKey);
		event.created = created;
		event.commit();
	}

	/**
	 * A queued write was replayed.
	 * @param id the entry's id
	 * @param target the target
	 * @param idempotencyKey the idempotency key (masked here)
	 * @param masker masks the key
	 * @param attempts failed attempts before this one
	 * @param lag from the enqueue to the replay
	 */
	public static void compensationReplayed(String id, String target, String idempotencyKey, KeyMasker masker,
			int attempts, Duration lag) {
		if (off()) {
			return;
		}
		CompensationEvent.Replayed event = new CompensationEvent.Replayed();
		if (!event.isEnabled()) {
			return;
		}
		event.id = id;
		event.target = target;
		event.key = masker.mask(idempotencyKey);
		event.attempts = attempts;
		event.lag = lag.toMillis();
		event.commit();
	}

	/**
	 * A queued write was moved to dead letters.
	 * @param id the entry's id
	 * @param target the target
	 * @param idempotencyKey the idempotency key (masked here)
	 * @param masker masks the key
	 * @param attempts the attempts made
	 * @param reason why (the failure's class and sanitized message)
	 */
	public static void compensationDead(String id, String target, String idempotencyKey, KeyMasker masker,
			int attempts, String reason) {
		if (off()) {
			return;
		}
		CompensationEvent.DeadLettered event = new CompensationEvent.DeadLettered();
		if (!event.isEnabled()) {
			return;
		}
		event.id = id;
		event.target = target;
		event.key = masker.mask(idempotencyKey);
		event.attempts = attempts;
		event.reason = reason;
		event.commit();
	}

}
