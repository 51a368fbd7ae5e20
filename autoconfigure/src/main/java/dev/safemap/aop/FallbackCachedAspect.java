package dev.safemap.aop;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCached;
import dev.safemap.breaker.FallbackCaches;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;

/**
 * Applies {@link FallbackCached}: computes the key, then hands the method call to the fallback
 * cache of the annotation's name.
 */
@Aspect
public final class FallbackCachedAspect {

	private final FallbackCaches caches;

	private final FallbackCachedMethods methods;

	/**
	 * Creates the aspect.
	 * @param caches the fallback caches, by name
	 * @param validator the post-processor that validated every {@code @FallbackCached} method at startup
	 */
	public FallbackCachedAspect(FallbackCaches caches, FallbackCachedMethodValidator validator) {
		this(caches, validator.methods());
	}

	FallbackCachedAspect(FallbackCaches caches, FallbackCachedMethods methods) {
		this.caches = caches;
		this.methods = methods;
	}

	@Around("@annotation(dev.safemap.breaker.FallbackCached) && execution(* *(..))")
	@Nullable Object around(ProceedingJoinPoint joinPoint) throws Throwable {
		Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
		Object target = joinPoint.getTarget();
		if (target != null && method.getDeclaringClass().isInterface()) {
			method = AopUtils.getMostSpecificMethod(method, target.getClass());
		}
		FallbackCachedMethods.Plan plan = this.methods.plan(method);
		Object key = plan.key().key(target, joinPoint.getArgs());
		FallbackCache<Object, Object> cache = this.caches.cache(plan.cacheName(), plan.valueType());
		return switch (plan.kind()) {
			case PLAIN -> cache.callChecked(key, () -> proceed(joinPoint));
			case OPTIONAL -> Optional.ofNullable(cache.callChecked(key, () -> {
				Optional<?> answer = (Optional<?>) proceed(joinPoint);
				// an empty Optional is never stored: it would come back as a deleted value
				return (answer != null) ? answer.orElse(null) : null;
			}));
			case COMPLETION_STAGE -> cache.callAsync(key, () -> stage(joinPoint));
			// Reactor types are named only inside ReactorSupport, loaded when Reactor is present
			case MONO -> ReactorSupport.mono(cache, key, () -> proceedUnchecked(joinPoint));
		};
	}

	private static @Nullable Object proceed(ProceedingJoinPoint joinPoint) throws Exception {
		try {
			return joinPoint.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private static @Nullable Object proceedUnchecked(ProceedingJoinPoint joinPoint) {
		try {
			return joinPoint.proceed();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> stage(ProceedingJoinPoint joinPoint) {
		try {
			CompletionStage<Object> stage = (CompletionStage<Object>) joinPoint.proceed();
			return (stage != null) ? stage : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
