package dev.safemap.compensation;

import java.util.Map;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContextPropagator} over SafeMap's {@link RequestContext}: captures {@link RequestContext#current()} when a
 * write is enqueued and makes it current again around the replay, rebuilt with a policy (the application's).
 */
final class RequestContextPropagation implements ContextPropagator {

	static final RequestContextPropagation INSTANCE = new RequestContextPropagation(RequestContextPolicy.defaults());

	private static final Logger logger = LoggerFactory.getLogger(RequestContextPropagation.class);

	private final RequestContextPolicy policy;

	RequestContextPropagation(RequestContextPolicy policy) {
		this.policy = policy;
	}

	@Override
	public String toString() {
		return "ContextPropagator.requestContext(" + this.policy + ")";
	}

	@Override
	public Map<String, String> capture() {
		return RequestContext.current().asMap();
	}

	@Override
	public CompensationContext.Scope restore(Map<String, String> context) {
		if (context.isEmpty()) {
			return () -> {
			};
		}
		RequestContext restored;
		try {
			restored = RequestContext.builder(this.policy).putAll(context).build();
		}
		catch (RuntimeException ex) {
			// a stored context that no longer passes the policy must not block the write itself
			logger.warn("Stored request context cannot be restored; replaying without it", ex);
			return () -> {
			};
		}
		RequestContext.Scope scope = restored.open();
		return scope::close;
	}

}
