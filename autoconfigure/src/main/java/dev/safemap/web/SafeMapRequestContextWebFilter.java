package dev.safemap.web;

import java.security.Principal;
import java.util.Optional;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextAccessor;
import dev.safemap.context.RequestContextCustomizer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * WebFilter (Spring WebFlux) that builds the {@link RequestContext} when a request enters and
 * writes it into the Reactor {@code Context} under {@link RequestContextAccessor#KEY}. With
 * Reactor's automatic context propagation (switched on by the auto-configuration), every operator of
 * the request's chain, on any scheduler, sees it through {@link RequestContext#current()}; the
 * thread-locals are restored after each signal, so nothing is left on event-loop threads.
 * <p>
 * Thread-safety: stateless apart from its immutable factory; thread-safe.
 *
 * @since 0.1.0
 */
public final class SafeMapRequestContextWebFilter implements WebFilter, Ordered {

	/** Exchange attribute that holds the context of the request. */
	public static final String CONTEXT_ATTRIBUTE = SafeMapRequestContextWebFilter.class.getName() + ".CONTEXT";

	private final RequestContextFactory factory;

	private final boolean echoRequestId;

	private final int order;

	/**
	 * Creates the filter.
	 * @param factory builds the context
	 * @param echoRequestId whether to send the request id back in the response
	 * @param order the filter order
	 */
	public SafeMapRequestContextWebFilter(RequestContextFactory factory, boolean echoRequestId, int order) {
		Assert.notNull(factory, "'factory' must not be null");
		this.factory = factory;
		this.echoRequestId = echoRequestId;
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return exchange.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> {
				RequestContext context = this.factory.create(new ReactiveIncomingRequest(exchange, principal.orElse(null)));
				exchange.getAttributes().put(CONTEXT_ATTRIBUTE, context);
				if (this.echoRequestId) {
					context.requestId()
						.ifPresent((id) -> exchange.getResponse().getHeaders().set(this.factory.requestIdHeader(), id));
				}
				return chain.filter(exchange).contextWrite((reactorContext) -> reactorContext.put(RequestContextAccessor.KEY, context));
			});
	}

	private record ReactiveIncomingRequest(ServerWebExchange exchange,
			@Nullable Principal principal) implements RequestContextCustomizer.IncomingRequest {

		@Override
		public @Nullable String header(String name) {
			return this.exchange.getRequest().getHeaders().getFirst(name);
		}

		@Override
		public String method() {
			return this.exchange.getRequest().getMethod().name();
		}

		@Override
		public String path() {
			return this.exchange.getRequest().getPath().value();
		}

	}

}
