package dev.safemap.web;

import java.util.Optional;

import dev.safemap.compensation.CompensationContext;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * The {@code WebClient} counterpart of {@link IdempotencyKeyInterceptor}: adds an {@code Idempotency-Key} header
 * to requests made inside a compensable call (the first call and every replay carry the same key). Add it to a
 * {@code WebClient}: {@code WebClient.builder().filter(filter)}; the auto-configuration publishes a bean of this
 * type to inject.
 * <p>
 * The key is read from the thread that subscribes to the request (a filter runs at subscription): subscribe
 * inside the compensable method, as {@code .block()} or {@code .toFuture()} there do. A request subscribed later
 * on another thread carries no key. A header already set is kept.
 * <p>
 * Thread-safety: instances are stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class IdempotencyKeyExchangeFilter implements ExchangeFilterFunction {

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		Optional<String> key = CompensationContext.currentIdempotencyKey();
		if (key.isEmpty() || request.headers().containsHeader(IdempotencyKeyInterceptor.HEADER)) {
			return next.exchange(request);
		}
		return next.exchange(ClientRequest.from(request).header(IdempotencyKeyInterceptor.HEADER, key.get()).build());
	}

}
