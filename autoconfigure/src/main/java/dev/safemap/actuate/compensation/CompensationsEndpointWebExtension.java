package dev.safemap.actuate.compensation;

import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP face of the {@link CompensationsEndpoint}'s operations that change state: the same retry and discard,
 * but a request the endpoint rejects (an unknown action, a missing reason) is answered with status 400 and a body
 * that says what was wrong and what is accepted, instead of Spring Boot's error page, which hides the message by
 * default. Its operations replace the endpoint's own over HTTP; reads and JMX are served by the endpoint.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = CompensationsEndpoint.class)
public class CompensationsEndpointWebExtension {

	private final CompensationsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint that does the work
	 */
	public CompensationsEndpointWebExtension(CompensationsEndpoint delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/**
	 * Resubmits a dead entry.
	 * @param securityContext the caller
	 * @param id the entry id
	 * @param action must be {@code retry}
	 * @return the outcome, or a 400 that says what is accepted
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> retry(SecurityContext securityContext, @Selector String id,
			@Nullable String action) {
		return answer(() -> this.delegate.retry(securityContext, id, action));
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
		return answer(() -> this.delegate.discard(securityContext, id, reason));
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
