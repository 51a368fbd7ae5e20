package dev.safemap.actuate.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

import dev.safemap.actuate.OperatorActions;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code compensations}: the state of the compensation queue and its dead letters, and
 * re-drive operations.
 * <ul>
 * <li>{@code GET /actuator/compensations?status=dead&page=0&size=20}: counts by state (every state, in lower
 * case, as {@code status} takes them, in any case), age of the oldest waiting entry in milliseconds (0 when none
 * waits) and a page of entries (metadata only: keys masked, no arguments, unless {@code safemap.masking.show-keys}
 * shows them to the caller);</li>
 * <li>{@code GET /actuator/compensations/{id}}: one entry;</li>
 * <li>{@code POST /actuator/compensations/{id}} with {@code {"action":"retry"}}: resubmit a dead entry;</li>
 * <li>{@code POST /actuator/compensations} with {@code {"action":"retry-dead"}}: resubmit every dead entry;</li>
 * <li>{@code DELETE /actuator/compensations/{id}?reason=...}: discard a dead entry (never a waiting one), giving
 * a reason.</li>
 * </ul>
 * Like every actuator endpoint it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}. It is read-only by default ({@link Access#READ_ONLY}):
 * retry and discard exist only once {@code management.endpoint.compensations.access=unrestricted}. Every retry
 * and discard is recorded through {@link OperatorActions} (who, what, when: logged and published as an audit
 * event).
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
@Endpoint(id = "compensations", defaultAccess = Access.READ_ONLY)
public class CompensationsEndpoint {

	/** The audit event type of a retry of one dead entry. */
	public static final String RETRY_EVENT = "SAFEMAP_COMPENSATION_RETRY";

	/** The audit event type of a retry of every dead entry. */
	public static final String RETRY_DEAD_EVENT = "SAFEMAP_COMPENSATION_RETRY_DEAD";

	/** The audit event type of a discard. */
	public static final String DISCARD_EVENT = "SAFEMAP_COMPENSATION_DISCARD";

	/** The longest reason a discard accepts. */
	public static final int MAX_REASON_LENGTH = 500;

	private static final int DEFAULT_PAGE_SIZE = 20;

	private final CompensationRegistry registry;

	private final KeyMasker keyMasker;

	private final Show showKeys;

	private final Set<String> roles;

	private final OperatorActions actions;

	/**
	 * Creates the endpoint, logging operator actions without publishing them.
	 * @param registry the compensation registry
	 * @param keyMasker masks the idempotency and ordering keys
	 * @param showKeys when unmasked keys and stored arguments are shown ({@code safemap.masking.show-keys})
	 * @param roles the roles that may see them when {@code showKeys} is {@link Show#WHEN_AUTHORIZED}; empty for any
	 * authenticated user
	 */
	public CompensationsEndpoint(CompensationRegistry registry, KeyMasker keyMasker, Show showKeys,
			Set<String> roles) {
		this(registry, keyMasker, showKeys, roles, OperatorActions.logOnly());
	}

	/**
	 * Creates the endpoint.
	 * @param registry the compensation registry
	 * @param keyMasker masks the idempotency and ordering keys
	 * @param showKeys when unmasked keys and stored arguments are shown ({@code safemap.masking.show-keys})
	 * @param roles the roles that may see them when {@code showKeys} is {@link Show#WHEN_AUTHORIZED}; empty for any
	 * authenticated user
	 * @param actions where retries and discards are recorded
	 * @since 0.1.0
	 */
	public CompensationsEndpoint(CompensationRegistry registry, KeyMasker keyMasker, Show showKeys,
			Set<String> roles, OperatorActions actions) {
		this.actions = Objects.requireNonNull(actions, "actions must not be null");
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.keyMasker = Objects.requireNonNull(keyMasker, "keyMasker must not be null");
		this.showKeys = Objects.requireNonNull(showKeys, "showKeys must not be null");
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Returns counts, the oldest waiting age and a page of entries.
	 * @param status only entries in this state (pending, in_progress, done, dead), all when null
	 * @param page zero-based page, 0 when null
	 * @param size page size (1 to 1000), 20 when null
	 * @param securityContext the caller, for {@code safemap.masking.show-keys}
	 * @return the descriptor
	 */
	@ReadOperation
	public QueueDescriptor compensations(@Nullable String status, @Nullable Integer page, @Nullable Integer size,
			SecurityContext securityContext) {
		boolean show = this.showKeys.isShown(securityContext, this.roles);
		CompensationStatus filter = (status != null) ? parseStatus(status) : null;
		int pageNumber = (page != null) ? page : 0;
		int pageSize = (size != null) ? size : DEFAULT_PAGE_SIZE;
		if (pageNumber < 0 || pageSize < 1 || pageSize > 1000) {
			throw new InvalidEndpointRequestException("page must be >= 0 and size between 1 and 1000, but were "
					+ pageNumber + " and " + pageSize, "bad paging");
		}
		Map<String, Long> counts = counts(this.registry.counts());
		long oldest = this.registry.oldestPendingAge().map(Duration::toMillis).orElse(0L);
		List<EntryDescriptor> entries = this.registry.entries(filter, pageNumber, pageSize)
			.stream()
			.map((entry) -> describe(entry, show))
			.toList();
		return new QueueDescriptor(counts, oldest, pageNumber, pageSize, entries);
	}

	/**
	 * Returns one entry.
	 * @param id the entry id
	 * @param securityContext the caller, for {@code safemap.masking.show-keys}
	 * @return the entry, or null (404) when unknown
	 */
	@ReadOperation
	public @Nullable EntryDescriptor entry(@Selector String id, SecurityContext securityContext) {
		boolean show = this.showKeys.isShown(securityContext, this.roles);
		return this.registry.find(id).map((entry) -> describe(entry, show)).orElse(null);
	}

	/**
	 * Resubmits a dead entry, and records who did it.
	 * @param securityContext the caller, recorded as the action's principal
	 * @param id the entry id
	 * @param action must be {@code retry}
	 * @return the outcome
	 * @throws InvalidEndpointRequestException (HTTP 400) if action is not {@code retry}
	 */
	@WriteOperation
	public ActionDescriptor retry(SecurityContext securityContext, @Selector String id, @Nullable String action) {
		requireAction(action, "retry");
		Optional<CompensationEntry> before = this.registry.find(id);
		boolean done = this.registry.retry(id);
		ActionDescriptor result = new ActionDescriptor("retry", done ? 1 : 0, done ? "resubmitted"
				: before.map((entry) -> "entry " + id + " is " + name(entry.status())
						+ ", only dead entries can be retried" + ((entry.status() == CompensationStatus.PENDING)
								? " (a pending entry is replayed on its own at nextAttemptAt)" : ""))
					.orElse("no entry with id " + id));
		this.actions.changed(securityContext, RETRY_EVENT,
				Map.of("endpoint", "compensations", "id", id, "affected", result.affected()));
		return result;
	}

	/**
	 * Resubmits every dead entry, and records who did it.
	 * @param securityContext the caller, recorded as the action's principal
	 * @param action must be {@code retry-dead}
	 * @return the outcome
	 * @throws InvalidEndpointRequestException (HTTP 400) if action is not {@code retry-dead}
	 */
	@WriteOperation
	public ActionDescriptor retryAllDead(SecurityContext securityContext, @Nullable String action) {
		requireAction(action, "retry-dead");
		int count = this.registry.retryAllDead();
		ActionDescriptor result = new ActionDescriptor("retry-dead", count, count + " dead entries resubmitted");
		this.actions.changed(securityContext, RETRY_DEAD_EVENT,
				Map.of("endpoint", "compensations", "affected", count));
		return result;
	}

	/**
	 * Discards a dead entry, and records who did it and why. A waiting ({@code PENDING}) or running entry is
	 * never discarded: that would drop a write that may still succeed.
	 * @param securityContext the caller, recorded as the action's principal
	 * @param id the entry id
	 * @param reason why the entry is dropped (1 to {@value #MAX_REASON_LENGTH} characters), kept in the log
	 * and the audit event
	 * @return the outcome: 1 affected when a dead entry was deleted, otherwise 0 and why not
	 * @throws InvalidEndpointRequestException (HTTP 400) if the reason is missing, blank or too long
	 */
	@DeleteOperation
	public ActionDescriptor discard(SecurityContext securityContext, @Selector String id, @Nullable String reason) {
		if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH) {
			String problem = (reason == null) ? "reason is missing" : (reason.isBlank() ? "reason is blank"
					: "reason has " + reason.length() + " characters");
			throw new InvalidEndpointRequestException(problem + ": give why the dead entry is dropped, 1 to "
					+ MAX_REASON_LENGTH + " characters, e.g. DELETE /actuator/compensations/" + id
					+ "?reason=order+cancelled", "missing reason");
		}
		Optional<CompensationEntry> before = this.registry.find(id);
		boolean done = this.registry.discard(id);
		String message = done ? "discarded" : before.map((entry) -> "entry " + id + " is "
				+ entry.status().name().toLowerCase(Locale.ROOT) + ", only dead entries can be discarded")
			.orElse("no entry with id " + id);
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("endpoint", "compensations");
		data.put("id", id);
		data.put("target", before.map(CompensationEntry::target).orElse(null));
		data.put("affected", done ? 1 : 0);
		data.put("reason", reason);
		if (done) {
			this.actions.dropped(securityContext, DISCARD_EVENT, data);
		}
		else {
			data.put("refused", message);
			this.actions.changed(securityContext, DISCARD_EVENT, data);
		}
		return new ActionDescriptor("discard", done ? 1 : 0, message);
	}

	/**
	 * Counts by state for JSON: every state present (0 when none), named in lower case as {@code status} and the
	 * entries' {@code status} name it.
	 * @param counts counts by state, states with no entry may be missing
	 * @return the counts, in the order of {@link CompensationStatus}
	 */
	public static Map<String, Long> counts(Map<CompensationStatus, Long> counts) {
		Map<String, Long> named = new LinkedHashMap<>();
		for (CompensationStatus status : CompensationStatus.values()) {
			named.put(name(status), counts.getOrDefault(status, 0L));
		}
		return named;
	}

	/**
	 * The name of a state in JSON and in the meters' {@code status} tag.
	 * @param status the state
	 * @return its name in lower case, for example {@code in_progress}
	 */
	public static String name(CompensationStatus status) {
		return status.name().toLowerCase(Locale.ROOT);
	}

	private static void requireAction(@Nullable String action, String expected) {
		if (action == null || !expected.equalsIgnoreCase(action.trim())) {
			String given = (action != null) ? "was '" + action + "'" : "is missing";
			throw new InvalidEndpointRequestException("action must be '" + expected + "' (the only accepted value here, "
					+ "in any case), but " + given + ": send {\"action\":\"" + expected + "\"}", "unknown action");
		}
	}

	private static CompensationStatus parseStatus(String status) {
		try {
			return CompensationStatus.valueOf(status.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("status must be one of pending, in_progress, done, dead (in any "
					+ "case), or left out for all, but was '" + status + "'", "unknown status");
		}
	}

	private EntryDescriptor describe(CompensationEntry entry, boolean show) {
		return new EntryDescriptor(entry.id(), entry.target(), name(entry.status()),
				this.keyMasker.maskUnless(entry.idempotencyKey(), show),
				this.keyMasker.maskUnless(entry.orderingKey(), show), entry.attempts(), entry.createdAt(),
				(entry.status() == CompensationStatus.PENDING) ? entry.nextAttemptAt() : null, entry.lastError(),
				entry.leaseOwner(), show ? entry.arguments() : null, show ? entry.context() : null);
	}

	/**
	 * State of the queue. Immutable and thread-safe.
	 *
	 * @param counts number of entries by state, every state present, in lower case ({@code pending},
	 * {@code in_progress}, {@code done}, {@code dead})
	 * @param oldestPendingAgeMillis age of the oldest waiting entry in milliseconds, 0 when none waits
	 * @param page the page number
	 * @param size the page size
	 * @param entries the page of entries, oldest first
	 * @since 0.1.0
	 */
	public record QueueDescriptor(Map<String, Long> counts, long oldestPendingAgeMillis, int page, int size,
			List<EntryDescriptor> entries) implements OperationResponseBody {

		public QueueDescriptor {
			counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
			entries = List.copyOf(entries);
		}

	}

	/**
	 * One entry, without its arguments unless configured. Immutable and thread-safe.
	 *
	 * @param id the entry id
	 * @param target the method or registered write
	 * @param status the state, in lower case ({@code pending}, {@code in_progress}, {@code done}, {@code dead})
	 * @param key the idempotency key (masked unless arguments are shown)
	 * @param orderingKey the ordering key (masked unless arguments are shown)
	 * @param attempts failed attempts so far
	 * @param createdAt time of the enqueue
	 * @param nextAttemptAt next attempt, for pending entries, else null
	 * @param lastError last failure or dead-letter reason, null when none
	 * @param leaseOwner instance replaying it, while in progress, else null
	 * @param arguments stored arguments, only when shown to the caller, else null
	 * @param context captured request context, only when shown to the caller, else null
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS) // every field present, null when it does not apply
	public record EntryDescriptor(String id, String target, String status, String key,
			String orderingKey, int attempts, Instant createdAt, @Nullable Instant nextAttemptAt,
			@Nullable String lastError, @Nullable String leaseOwner, @Nullable String arguments,
			@Nullable Map<String, String> context) implements OperationResponseBody {
	}

	/**
	 * Outcome of a write operation. Immutable and thread-safe.
	 *
	 * @param action the action
	 * @param affected number of entries changed
	 * @param message what happened
	 * @since 0.1.0
	 */
	public record ActionDescriptor(String action, int affected, String message) implements OperationResponseBody {
	}

}
