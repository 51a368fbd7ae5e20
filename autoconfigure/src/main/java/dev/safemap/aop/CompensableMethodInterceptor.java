package dev.safemap.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.safemap.compensation.BreakerWakeUp;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensableCalls;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.ContextPropagator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a {@link Compensable} call through its circuit breaker and, when the downstream did not take it,
 * stores it for a replay and lets the caller continue: this class computes the keys, serializes the arguments
 * and names the target; the call-or-store logic is the core's {@link CompensableCalls}, shared with
 * {@code CompensationTemplate}. This interceptor handles first calls only: a replay never comes through it
 * ({@link BeanMethodCompensationHandlers} invokes the method with the breaker in this advice's place).
 * <p>
 * Collaborators are looked up lazily: the advisor holding this interceptor is created very early.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensableMethodInterceptor implements MethodInterceptor {

	private final CompensableMethodPostProcessor methods;

	private final ObjectProvider<CircuitBreakerRegistry> breakers;

	private final ObjectProvider<JsonMapper> mapper;

	private final ObjectProvider<ContextPropagator> propagator;

	private final BreakerWakeUp wakeUp;

	private final CompensableCalls calls;

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
		this.breakers = breakers;
		this.mapper = mapper;
		this.propagator = propagator;
		this.wakeUp = new BreakerWakeUp(registry::getIfAvailable);
		this.calls = new CompensableCalls(registry::getObject);
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
		if (compensable.isFuture()) {
			return this.calls.callAsync(breaker, request, compensable::compensates, () -> proceedAsStage(invocation));
		}
		this.calls.call(breaker, request, compensable::compensates, invocation::proceed);
		return null;
	}

	@SuppressWarnings("unchecked")
	static CompletionStage<Object> proceedAsStage(MethodInvocation invocation) {
		try {
			Object result = invocation.proceed();
			return (result != null) ? (CompletionStage<Object>) result : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) { // NOPMD: a failure to start is a failed call
			return CompletableFuture.failedFuture(ex);
		}
	}

}
