package dev.safemap.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationContext;
import dev.safemap.compensation.CompensationHandler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.DefaultAdvisorChainFactory;
import org.springframework.aop.framework.ReflectiveMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Resolves a stored target ({@code beanName#method(paramTypes)}) to the handler that replays it: reads the
 * arguments back, calls the {@link Compensable} method through its circuit breaker and waits for a returned
 * future. A target that no longer exists resolves to null (its entry goes to dead letters).
 * <p>
 * The route is one-way: the {@code @Compensable} interceptor is not entered again. The handler builds the
 * proxy's advice chain for the method, as the proxy would, and puts the breaker in place of the
 * {@link CompensableMethodInterceptor}: other advice on the method (for example {@code @Transactional}, or an
 * aspect) still applies on replay, in the same order relative to the breaker as on the first call. A proxy
 * whose target is itself a proxy (a scoped proxy, for example) is followed the same way down to the target
 * object. When no chain on the way has a {@code @Compensable} interceptor, the breaker wraps the target method
 * itself. An opaque proxy (not {@link Advised}) cannot be replayed: resolving it fails, and its entries go to
 * dead letters, rather than storing the call again. The idempotency-key scope ({@link CompensationContext#currentIdempotencyKey()},
 * {@link CompensationContext#isReplaying()} true) and the stored request context are opened around the
 * handler by the registry. Not reproduced: {@code AopContext.currentProxy()} of proxies that expose it.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class BeanMethodCompensationHandlers implements Function<String, @Nullable CompensationHandler> {

	private final BeanFactory beanFactory;

	private final ObjectProvider<CircuitBreakerRegistry> breakers;

	private final ObjectProvider<JsonMapper> mapper;

	private final Duration futureTimeout;

	private final Map<String, CompensationHandler> resolved = new ConcurrentHashMap<>();

	/**
	 * Creates the resolver.
	 * @param beanFactory where target beans are looked up
	 * @param breakers the Resilience4j circuit breakers replays go through
	 * @param mapper the application's JSON mapper ({@code JsonMapper.shared()} when there is none)
	 * @param futureTimeout how long a replay waits for a returned {@code CompletableFuture}
	 */
	public BeanMethodCompensationHandlers(BeanFactory beanFactory, ObjectProvider<CircuitBreakerRegistry> breakers,
			ObjectProvider<JsonMapper> mapper, Duration futureTimeout) {
		this.beanFactory = beanFactory;
		this.breakers = breakers;
		this.mapper = mapper;
		this.futureTimeout = futureTimeout;
	}

	@Override
	public @Nullable CompensationHandler apply(String target) {
		CompensationHandler known = this.resolved.get(target);
		if (known != null) {
			return known;
		}
		CompensationHandler handler = resolve(target);
		if (handler != null) {
			this.resolved.put(target, handler);
		}
		return handler;
	}

	private @Nullable CompensationHandler resolve(String target) {
		int hash = target.indexOf('#');
		if (hash <= 0) {
			return null;
		}
		String beanName = target.substring(0, hash);
		String signature = target.substring(hash + 1);
		if (!this.beanFactory.containsBean(beanName)) {
			return null;
		}
		// a stored row names the bean: never create it (a lazy bean, say) unless its type has a @Compensable method
		// with that signature; the type is predicted without creating the bean
		Class<?> predicted = this.beanFactory.getType(beanName, false);
		if (predicted != null && !Proxy.isProxyClass(predicted)
				&& findCompensable(ClassUtils.getUserClass(predicted), signature) == null) {
			return null;
		}
		Object bean = this.beanFactory.getBean(beanName);
		if (AopUtils.isAopProxy(bean) && !(bean instanceof Advised)) {
			// calling it would enter the @Compensable interceptor again, which would store the call again
			throw new IllegalStateException("bean '" + beanName + "' is an opaque proxy: its @Compensable methods "
					+ "cannot be replayed without being stored again; do not make proxies of @Compensable beans opaque");
		}
		Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(type)) {
			if (CompensableMethod.signature(candidate).equals(signature)) {
				Compensable annotation = CompensableMethod.annotation(candidate);
				if (annotation != null) {
					return new Replay(bean, candidate, CompensableMethod.of(candidate, annotation));
				}
			}
		}
		return null;
	}

	private static @Nullable Method findCompensable(Class<?> type, String signature) {
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(type)) {
			if (CompensableMethod.signature(candidate).equals(signature)
					&& CompensableMethod.annotation(candidate) != null) {
				return candidate;
			}
		}
		return null;
	}

	/** Calls a compensable method through the breaker, in the place of the {@code @Compensable} advice. */
	private static @Nullable Object callThrough(CircuitBreaker breaker, CompensableMethod compensable,
			MethodInvocation invocation) throws Throwable {
		if (!compensable.isFuture()) {
			return breaker.executeCheckedSupplier(invocation::proceed);
		}
		return breaker.executeCompletionStage(() -> CompensableMethodInterceptor.proceedAsStage(invocation))
			.toCompletableFuture();
	}

	private static Exception asException(@Nullable Throwable failure) {
		if (failure instanceof Exception ex) {
			return ex;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return new IllegalStateException("replay failed", failure);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/** Replays the entries of one bean method. */
	private final class Replay implements CompensationHandler {

		private final Object bean;

		private final Method declared;

		private final Method invocable;

		private final CompensableMethod compensable;

		Replay(Object bean, Method declared, CompensableMethod compensable) {
			this.bean = bean;
			this.declared = declared;
			this.invocable = AopUtils.selectInvocableMethod(declared, bean.getClass());
			this.compensable = compensable;
		}

		@Override
		public void replay(dev.safemap.compensation.CompensationEntry entry) throws Exception {
			@Nullable Object[] args = new ArgumentsCodec(
					BeanMethodCompensationHandlers.this.mapper.getIfAvailable(JsonMapper::shared))
				.read(this.declared, entry.arguments());
			CircuitBreaker breaker = BeanMethodCompensationHandlers.this.breakers.getObject()
				.circuitBreaker(this.compensable.breaker());
			Object result;
			try {
				result = invoke(breaker, args);
			}
			catch (Throwable ex) { // NOPMD: rethrown as the replay's failure
				throw asException(ex);
			}
			if (result instanceof CompletableFuture<?> future) {
				try {
					future.get(BeanMethodCompensationHandlers.this.futureTimeout.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (ExecutionException ex) {
					throw asException(unwrap(ex));
				}
			}
		}

		private @Nullable Object invoke(CircuitBreaker breaker, @Nullable Object[] args) throws Throwable {
			MethodInterceptor breakerAdvice = (invocation) -> callThrough(breaker, this.compensable, invocation);
			return invoke(this.bean, args, breakerAdvice);
		}

		/**
		 * Runs the advice chain of {@code object} (a proxy, or the target itself), the breaker taking the place
		 * of the {@code @Compensable} interceptor, or wrapping the target method when no chain on the way had
		 * one (breakerAdvice is then non-null at the target).
		 */
		private @Nullable Object invoke(Object object, @Nullable Object[] args, @Nullable MethodInterceptor breakerAdvice)
				throws Throwable {
			Method method = AopUtils.selectInvocableMethod(this.declared, object.getClass());
			if (!(object instanceof Advised advised)) {
				if (AopUtils.isAopProxy(object)) {
					// calling it would enter the @Compensable interceptor again, which would store the call again
					throw new IllegalStateException("the bean of " + CompensableMethod.describe(this.declared)
							+ " is an opaque proxy: its @Compensable method cannot be replayed without being stored "
							+ "again; do not make proxies of @Compensable beans opaque");
				}
				List<Object> chain = (breakerAdvice != null) ? List.of(breakerAdvice) : List.of();
				return new ReplayInvocation(object, object, method, args, object.getClass(), chain, null).proceed();
			}
			TargetSource targetSource = advised.getTargetSource();
			Object target = targetSource.getTarget();
			try {
				Class<?> targetClass = (target != null) ? target.getClass() : null;
				List<Object> chain = DefaultAdvisorChainFactory.INSTANCE
					.getInterceptorsAndDynamicInterceptionAdvice(advised, method, targetClass);
				List<Object> replayChain = new ArrayList<>(chain.size());
				MethodInterceptor pending = breakerAdvice;
				for (Object advice : chain) {
					if (advice instanceof CompensableMethodInterceptor) {
						if (pending != null) {
							replayChain.add(pending);
							pending = null;
						}
					}
					else {
						replayChain.add(advice);
					}
				}
				MethodInterceptor innermost = pending;
				Joinpoint next = (target != null && AopUtils.isAopProxy(target))
						? (invocation) -> invoke(target, invocation.getArguments(), innermost) : null;
				if (next == null && innermost != null) {
					replayChain.add(innermost);
				}
				return new ReplayInvocation(object, target, method, args, targetClass, replayChain, next).proceed();
			}
			finally {
				if (target != null && !targetSource.isStatic()) {
					targetSource.releaseTarget(target);
				}
			}
		}

	}

	/** Calls the next proxy in place of the target method. */
	@FunctionalInterface
	private interface Joinpoint {

		@Nullable Object proceed(MethodInvocation invocation) throws Throwable;

	}

	/**
	 * An invocation of a proxy's advice chain without the {@code @Compensable} interceptor, ending in the target
	 * method or, when the target is itself a proxy, in that proxy's chain.
	 */
	private static final class ReplayInvocation extends ReflectiveMethodInvocation {

		private final @Nullable Joinpoint next;

		ReplayInvocation(Object proxy, @Nullable Object target, Method method, @Nullable Object[] arguments,
				@Nullable Class<?> targetClass, List<Object> chain, @Nullable Joinpoint next) {
			super(proxy, target, method, arguments, targetClass, chain);
			this.next = next;
		}

		@Override
		protected @Nullable Object invokeJoinpoint() throws Throwable {
			return (this.next != null) ? this.next.proceed(this) : super.invokeJoinpoint();
		}

	}

}
