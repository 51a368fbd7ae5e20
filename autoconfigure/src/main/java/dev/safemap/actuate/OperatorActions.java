package dev.safemap.actuate;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records what an operator did through a SafeMap actuator endpoint that changes state (a hotspots reset,
 * a compensation retry or discard): who (the caller's {@link Principal}, {@value #ANONYMOUS} without one),
 * what (the action, its target and outcome) and when. Each action is logged by the
 * {@code dev.safemap.actuate.OperatorActions} logger, at INFO, or WARN for one that drops data, and published
 * as an {@link AuditApplicationEvent}: Spring Boot stores it in the application's {@code AuditEventRepository}
 * when auditing is on (an {@code AuditEventRepository} bean exists), and it is visible in
 * {@code /actuator/auditevents}; without a repository nobody listens and the event costs nothing. Control and
 * format characters in the recorded values (which may come from the request) are replaced by {@code ?}, so an
 * action is always one log line.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class OperatorActions {

	/** The principal recorded when the caller is not authenticated. */
	public static final String ANONYMOUS = "anonymous";

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			OperatorActions.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.web.context.request.ServletRequestAttributes",
					OperatorActions.class.getClassLoader());

	private static final Logger logger = LoggerFactory.getLogger(OperatorActions.class);

	private static final String LOG_TEMPLATE = "SafeMap operator action {} by '{}' at {}: {}";

	private final @Nullable ApplicationEventPublisher publisher;

	private final Clock clock;

	/**
	 * Creates a recorder that publishes audit events.
	 * @param publisher where audit events go, or null to log only
	 * @param clock the clock that dates the actions
	 * @throws NullPointerException if clock is null
	 */
	public OperatorActions(@Nullable ApplicationEventPublisher publisher, Clock clock) {
		this.publisher = publisher;
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Returns a recorder that only logs.
	 * @return the recorder
	 */
	public static OperatorActions logOnly() {
		return new OperatorActions(null, Clock.systemUTC());
	}

	/**
	 * Records an action that changes state but drops nothing (logged at INFO).
	 * @param caller the caller, from the endpoint operation; may be null (no caller known)
	 * @param type the audit event type, for example {@code SAFEMAP_HOTSPOTS_RESET}
	 * @param data what was done: target, outcome, reason... (values are rendered with {@code toString})
	 * @return the event recorded
	 */
	public AuditEvent changed(@Nullable SecurityContext caller, String type, Map<String, @Nullable Object> data) {
		return record(caller, type, data, false);
	}

	/**
	 * Records an action that drops data (logged at WARN).
	 * @param caller the caller, from the endpoint operation; may be null (no caller known)
	 * @param type the audit event type, for example {@code SAFEMAP_COMPENSATION_DISCARD}
	 * @param data what was done: target, outcome, reason...
	 * @return the event recorded
	 */
	public AuditEvent dropped(@Nullable SecurityContext caller, String type, Map<String, @Nullable Object> data) {
		return record(caller, type, data, true);
	}

	private AuditEvent record(@Nullable SecurityContext caller, String type, Map<String, @Nullable Object> data,
			boolean warn) {
		String who = principalName(caller);
		Instant when = this.clock.instant();
		Map<String, Object> details = new LinkedHashMap<>();
		data.forEach((name, value) -> details.put(name, printable(String.valueOf(value))));
		AuditEvent event = new AuditEvent(when, who, type, details);
		if (warn) {
			logger.warn(LOG_TEMPLATE, type, who, when, details);
		}
		else {
			logger.info(LOG_TEMPLATE, type, who, when, details);
		}
		if (this.publisher != null) {
			this.publisher.publishEvent(new AuditApplicationEvent(event));
		}
		return event;
	}

	/** Values may come from the request (a reason, an id): keep them on one log line. */
	private static String printable(String value) {
		StringBuilder result = new StringBuilder(value.length());
		value.codePoints()
			.forEach((c) -> result.appendCodePoint(Character.isISOControl(c)
					|| Character.getType(c) == Character.FORMAT ? '?' : c));
		return result.toString();
	}

	/**
	 * Returns the name of the caller's principal: the given caller's, or, when none is given, that of the
	 * servlet request being served on this thread (an operation without parameters, such as the hotspots
	 * reset, must not take a {@link SecurityContext}: Spring Boot would then require a JSON request body).
	 * @param caller the caller; may be null
	 * @return its name, or {@value #ANONYMOUS}
	 */
	public static String principalName(@Nullable SecurityContext caller) {
		Principal principal = (caller != null) ? caller.getPrincipal() : null;
		if (caller == null && SERVLET_PRESENT) {
			principal = ServletCaller.principal();
		}
		String name = (principal != null) ? principal.getName() : null;
		return (name != null && !name.isBlank()) ? printable(name) : ANONYMOUS;
	}

	/** Kept apart so that the servlet API is loaded only when present. */
	private static final class ServletCaller {

		static @Nullable Principal principal() {
			if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
				return attributes.getRequest().getUserPrincipal();
			}
			return null;
		}

	}

}
