package dev.safemap.actuate.compensation;

import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP face of the {@link CompensationsEndpoint}'s list, retry and discard: the same operations, but a request
 * the endpoint rejects (an unknown {@code status} or action, bad paging, a missing reason) is answered with status
 * 400 and a body that says what was wrong and names the accepted values, instead of Spring Boot's error page, which
 * hides the message by default; a retry or discard that changes nothing answers 404 (no such entry) or 409 (the
 * entry is not dead) with a body that says so. Its operations replace the endpoint's own over HTTP; reading one
 * entry and JMX are served by the endpoint.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = CompensationsEndpoint.class)
public class CompensationsEndpointWebExtension {

	/** HTTP 409: the entry exists but is not in a state the action applies to. */
	static final int STATUS_CONFLICT = 409;

	private final CompensationsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint that does the work
	 */
	public CompensationsEndpointWebExtension(CompensationsEndpoint delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/**
	 * Returns counts, the oldest waiting age and a page of entries, as the endpoint does; a bad {@code status},
	 * {@code page} or {@code size} is answered 400 with a body that names the accepted values.
	 * @param status only entries in this state, in any case ({@code pending}, {@code in_progress}, {@code done},
	 * {@code dead}), all when null
	 * @param page zero-based page, 0 when null
	 * @param size page size (1 to 1000), 20 when null
	 * @param securityContext the caller
	 * @return the queue, or a 400 that says what is accepted
	 */
	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> compensations(@Nullable String status, @Nullable Integer page,
			@Nullable Integer size, SecurityContext securityContext) {
		return answer(() -> this.delegate.compensations(status, page, size, securityContext));
	}

	/**
	 * Resubmits a dead entry: 404 for an unknown id, 409 for an entry that is not dead (a waiting entry is replayed
	 * on its own; a done one needs nothing), each with a body that says so.
	 * @param securityContext the caller
	 * @param id the entry id
	 * @param action must be {@code retry}
	 * @return the outcome, or a 400 that says what is accepted, or 404 or 409
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> retry(SecurityContext securityContext, @Selector String id,
			@Nullable String action) {
		return refusedUnlessAffected(answer(() -> this.delegate.retry(securityContext, id, action)), id,
				securityContext);
	}

	/**
	 * Resubmits every dead entry.
	 * @param securityContext the caller
	 * @param action must be {@code retry-dead}
	 * @return the outcome, or a 400 that says what is accepted
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> retryAllDead(SecurityContext securityContext,
			@Nullable String action) {
		return answer(() -> this.delegate.retryAllDead(securityContext, action));
	}

	/**
	 * Discards a dead entry.
	 * @param securityContext the caller
	 * @param id the entry id
	 * @param reason why the entry is dropped
	 * @return the outcome, or a 400 that says what is missing
	 */
	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> discard(SecurityContext securityContext, @Selector String id,
			@Nullable String reason) {
		return refusedUnlessAffected(answer(() -> this.delegate.discard(securityContext, id, reason)), id,
				securityContext);
	}

	/** An action on one entry that changed nothing: 404 when there is no such entry, else 409 (not dead). */
	private WebEndpointResponse<OperationResponseBody> refusedUnlessAffected(
			WebEndpointResponse<OperationResponseBody> response, String id, SecurityContext securityContext) {
		if (response.getStatus() != WebEndpointResponse.STATUS_OK
				|| !(response.getBody() instanceof CompensationsEndpoint.ActionDescriptor action)
				|| action.affected() > 0) {
			return response;
		}
		boolean exists = this.delegate.entry(id, securityContext) != null;
		return new WebEndpointResponse<>(action,
				exists ? STATUS_CONFLICT : WebEndpointResponse.STATUS_NOT_FOUND);
	}

	private static WebEndpointResponse<OperationResponseBody> answer(Supplier<OperationResponseBody> operation) {
		try {
			return new WebEndpointResponse<>(operation.get(), WebEndpointResponse.STATUS_OK);
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(new BadRequestDescriptor(ex.getReason(), String.valueOf(ex.getMessage())),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

	/**
	 * The body of a refused request. Immutable and thread-safe.
	 *
	 * @param error what kind of mistake, for example {@code missing reason}
	 * @param message what was wrong and what is accepted
	 * @since 0.1.0
	 */
	public record BadRequestDescriptor(String error, String message) implements OperationResponseBody {
	}

}
