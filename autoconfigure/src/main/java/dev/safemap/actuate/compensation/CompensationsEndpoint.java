package dev.safemap.actuate.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;

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
 * <li>{@code GET /actuator/compensations?status=DEAD&page=0&size=20}: counts by state, age of the oldest waiting
 * entry and a page of entries (metadata only: keys masked, no arguments, unless {@code safemap.masking.show-keys}
 * shows them to the caller);</li>
 * <li>{@code GET /actuator/compensations/{id}}: one entry;</li>
 * <li>{@code POST /actuator/compensations/{id}} with {@code {"action":"retry"}}: resubmit a dead entry;</li>
 * <li>{@code POST /actuator/compensations} with {@code {"action":"retry-dead"}}: resubmit every dead entry;</li>
 * <li>{@code DELETE /actuator/compensations/{id}}: discard an entry that is not being replayed.</li>
 * </ul>
 * Like every actuator endpoint it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
@Endpoint(id = "compensations")
public class CompensationsEndpoint {

	private static final int DEFAULT_PAGE_SIZE = 20;

	private final CompensationRegistry registry;

	private final KeyMasker keyMasker;

	private final Show showKeys;

	private final Set<String> roles;

	/**
	 * Creates the endpoint.
	 * @param registry the compensation registry
	 * @param keyMasker masks the idempotency and ordering keys
	 * @param showKeys when unmasked keys and stored arguments are shown ({@code safemap.masking.show-keys})
	 * @param roles the roles that may see them when {@code showKeys} is {@link Show#WHEN_AUTHORIZED}; empty for any
	 * authenticated user
	 */
	public CompensationsEndpoint(CompensationRegistry registry, KeyMasker keyMasker, Show showKeys,
			Set<String> roles) {
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
		Map<CompensationStatus, Long> counts = new EnumMap<>(this.registry.counts());
		Duration oldest = this.registry.oldestPendingAge().orElse(null);
		List<EntryDescriptor> entries = this.registry.entries(filter, pageNumber, pageSize)
			.stream()
			.map((entry) -> describe(entry, show))
			.toList();
		return new QueueDescriptor(counts, (oldest != null) ? oldest.toMillis() : null, pageNumber, pageSize, entries);
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
	 * Resubmits a dead entry.
	 * @param id the entry id
	 * @param action must be {@code retry}
	 * @return the outcome
	 */
	@WriteOperation
	public ActionDescriptor retry(@Selector String id, String action) {
		if (!"retry".equals(action)) {
			throw new InvalidEndpointRequestException("action must be 'retry', but was '" + action + "'",
					"unknown action");
		}
		boolean done = this.registry.retry(id);
		return new ActionDescriptor("retry", done ? 1 : 0,
				done ? "resubmitted" : "no dead entry with id " + id);
	}

	/**
	 * Resubmits every dead entry.
	 * @param action must be {@code retry-dead}
	 * @return the outcome
	 */
	@WriteOperation
	public ActionDescriptor retryAllDead(String action) {
		if (!"retry-dead".equals(action)) {
			throw new InvalidEndpointRequestException("action must be 'retry-dead', but was '" + action + "'",
					"unknown action");
		}
		int count = this.registry.retryAllDead();
		return new ActionDescriptor("retry-dead", count, count + " dead entries resubmitted");
	}

	/**
	 * Discards an entry that is not being replayed.
	 * @param id the entry id
	 * @return the outcome
	 */
	@DeleteOperation
	public ActionDescriptor discard(@Selector String id) {
		boolean done = this.registry.discard(id);
		return new ActionDescriptor("discard", done ? 1 : 0,
				done ? "discarded" : "no entry with id " + id + " outside replay");
	}

	private static CompensationStatus parseStatus(String status) {
		try {
			return CompensationStatus.valueOf(status.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException("status must be one of pending, in_progress, done, dead, but was '"
					+ status + "'", "unknown status");
		}
	}

	private EntryDescriptor describe(CompensationEntry entry, boolean show) {
		return new EntryDescriptor(entry.id(), entry.target(), entry.status(),
				this.keyMasker.maskUnless(entry.idempotencyKey(), show),
				this.keyMasker.maskUnless(entry.orderingKey(), show), entry.attempts(), entry.createdAt(),
				(entry.status() == CompensationStatus.PENDING) ? entry.nextAttemptAt() : null, entry.lastError(),
				entry.leaseOwner(), show ? entry.arguments() : null, show ? entry.context() : null);
	}

	/**
	 * State of the queue. Immutable and thread-safe.
	 *
	 * @param counts number of entries by state
	 * @param oldestPendingAgeMillis age of the oldest waiting entry in milliseconds, null when none waits
	 * @param page the page number
	 * @param size the page size
	 * @param entries the page of entries, oldest first
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record QueueDescriptor(Map<CompensationStatus, Long> counts, @Nullable Long oldestPendingAgeMillis,
			int page, int size, List<EntryDescriptor> entries) implements OperationResponseBody {
	}

	/**
	 * One entry, without its arguments unless configured. Immutable and thread-safe.
	 *
	 * @param id the entry id
	 * @param target the method or registered write
	 * @param status the state
	 * @param key the idempotency key (masked unless arguments are shown)
	 * @param orderingKey the ordering key (masked unless arguments are shown)
	 * @param attempts failed attempts so far
	 * @param createdAt time of the enqueue
	 * @param nextAttemptAt next attempt, for pending entries
	 * @param lastError last failure or dead-letter reason
	 * @param leaseOwner instance replaying it, while in progress
	 * @param arguments stored arguments, only when configured
	 * @param context captured request context, only when configured
	 * @since 0.1.0
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record EntryDescriptor(String id, String target, CompensationStatus status, String key,
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
