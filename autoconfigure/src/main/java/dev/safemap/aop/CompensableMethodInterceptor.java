package dev.safemap.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import dev.safemap.compensation.BreakerWakeUp;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationContext;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.ContextPropagator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a {@link Compensable} call through its circuit breaker and, when the downstream did not take it,
 * stores it for a replay and lets the caller continue. During a replay the same interceptor only applies the
 * breaker and lets failures propagate to the replay worker.
 * <p>
 * Collaborators are looked up lazily: the advisor holding this interceptor is created very early.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensableMethodInterceptor implements MethodInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(CompensableMethodInterceptor.class);

	private final CompensableMethodPostProcessor methods;

	private final ObjectProvider<CompensationRegistry> registry;

	private final ObjectProvider<CircuitBreakerRegistry> breakers;

	private final ObjectProvider<JsonMapper> mapper;

	private final ObjectProvider<ContextPropagator> propagator;

	private final BreakerWakeUp wakeUp;

	private volatile @Nullable ArgumentsCodec codec;

	/**
	 * Creates an interceptor; every collaborator but the first is resolved on first use.
	 * @param methods the validated annotated methods and their bean names
	 * @param registry the compensation registry
	 * @param breakers the Resilience4j circuit breakers
	 * @param mapper the application's JSON mapper ({@code JsonMapper.shared()} when there is none)
	 * @param propagator the request-context seam ({@link ContextPropagator#none()} when there is none)
	 */
	public CompensableMethodInterceptor(CompensableMethodPostProcessor methods,
			ObjectProvider<CompensationRegistry> registry, ObjectProvider<CircuitBreakerRegistry> breakers,
			ObjectProvider<JsonMapper> mapper, ObjectProvider<ContextPropagator> propagator) {
		this.methods = methods;
		this.registry = registry;
		this.breakers = breakers;
		this.mapper = mapper;
		this.propagator = propagator;
		this.wakeUp = new BreakerWakeUp(registry::getIfAvailable);
	}

	/**
	 * Wakes the replay worker whenever this breaker leaves the open state.
	 * @param breaker the breaker
	 */
	public void watch(CircuitBreaker breaker) {
		this.wakeUp.watch(breaker);
	}

	private ArgumentsCodec codec() {
		ArgumentsCodec current = this.codec;
		if (current == null) {
			current = new ArgumentsCodec(this.mapper.getIfAvailable(JsonMapper::shared));
			this.codec = current;
		}
		return current;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		CompensableMethod compensable = this.methods.method(method);
		if (compensable == null) {
			return invocation.proceed();
		}
		CircuitBreaker breaker = this.breakers.getObject().circuitBreaker(compensable.breaker());
		this.wakeUp.watch(breaker);
		if (CompensationContext.isReplaying()) {
			return callThrough(breaker, invocation, compensable);
		}
		@Nullable Object[] args = invocation.getArguments();
		String key = compensable.idempotencyKey(args);
		String orderingKey = compensable.orderingKey(args, key);
		// serialize before the call: a bad argument fails here, every time, and nothing is stored
		String arguments = codec().write(method, args);
		Map<String, String> context = this.propagator.getIfAvailable(ContextPropagator::none).capture();
		String beanName = (target != null) ? this.methods.beanName(target) : null;
		if (beanName == null) {
			throw new IllegalStateException("@Compensable method " + CompensableMethod.describe(method)
					+ " is called on an object that is not a Spring bean seen at startup: its call could not be replayed");
		}
		CompensationRequest request = new CompensationRequest(beanName + "#" + compensable.signature(), arguments, key,
				orderingKey, context);
		try (CompensationContext.Scope scope = CompensationContext.open(key, false)) {
			if (!compensable.isFuture()) {
				try {
					breaker.executeCheckedSupplier(invocation::proceed);
				}
				catch (Throwable ex) {
					if (!compensable.compensates(ex)) {
						throw ex;
					}
					enqueue(request, ex);
				}
				return null;
			}
			CompletionStage<Object> stage = breaker.executeCompletionStage(() -> proceedAsStage(invocation));
			CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
			stage.whenComplete((value, failure) -> {
				if (failure == null) {
					result.complete(value);
					return;
				}
				Throwable cause = unwrap(failure);
				if (!compensable.compensates(cause)) {
					result.completeExceptionally(cause);
					return;
				}
				try {
					this.registry.getObject().completion(enqueue(request, cause)).whenComplete((done, dead) -> {
						if (dead != null) {
							result.completeExceptionally(dead);
						}
						else {
							result.complete(null);
						}
					});
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
			return result;
		}
	}

	private String enqueue(CompensationRequest request, Throwable failure) {
		try {
			CompensationRegistry target = this.registry.getObject();
			CompensationRegistry.Enqueued enqueued = target.enqueue(request);
			logger.debug("Call to {} deferred as compensation {} after {}", request.target(), enqueued.entry().id(),
					failure.toString());
			return enqueued.entry().id();
		}
		catch (RuntimeException ex) {
			// the write is neither done nor stored: the caller must know
			ex.addSuppressed(failure);
			throw ex;
		}
	}

	private static @Nullable Object callThrough(CircuitBreaker breaker, MethodInvocation invocation,
			CompensableMethod compensable) throws Throwable {
		if (!compensable.isFuture()) {
			return breaker.executeCheckedSupplier(invocation::proceed);
		}
		return breaker.executeCompletionStage(() -> proceedAsStage(invocation)).toCompletableFuture();
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> proceedAsStage(MethodInvocation invocation) {
		try {
			Object result = invocation.proceed();
			return (result != null) ? (CompletionStage<Object>) result : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
