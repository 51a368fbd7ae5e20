package dev.safemap.web;

import java.io.IOException;
import java.util.Optional;

import dev.safemap.compensation.CompensationContext;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds an {@code Idempotency-Key} header to requests made inside a compensable call (the first call and every
 * replay carry the same key), so the downstream can apply the write at most once. Add it to a
 * {@code RestClient}: {@code RestClient.builder().requestInterceptor(interceptor)}; the auto-configuration
 * publishes a bean of this type to inject.
 * <p>
 * Thread-safety: instances are stateless and thread-safe. The key is read from the calling thread.
 *
 * @since 0.1.0
 */
public final class IdempotencyKeyInterceptor implements ClientHttpRequestInterceptor {

	/** Name of the header. */
	public static final String HEADER = "Idempotency-Key";

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Optional<String> key = CompensationContext.currentIdempotencyKey();
		if (key.isPresent() && !request.getHeaders().containsHeader(HEADER)) {
			request.getHeaders().set(HEADER, key.get());
		}
		return execution.execute(request, body);
	}

}
