package dev.safemap.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.safemap.compensation.CompensationHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ReflectionUtils;

/**
 * Resolves a stored target ({@code beanName#method(paramTypes)}) to a handler that reads the arguments back
 * and calls the method on the bean (through its proxy, so the breaker and other advice apply), waiting for a
 * returned future. A target that no longer exists resolves to null (its entry goes to dead letters).
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class BeanMethodCompensationHandlers implements Function<String, @Nullable CompensationHandler> {

	private final BeanFactory beanFactory;

	private final ObjectProvider<JsonMapper> mapper;

	private final Duration futureTimeout;

	private final Map<String, CompensationHandler> resolved = new ConcurrentHashMap<>();

	/**
	 * Creates the resolver.
	 * @param beanFactory where target beans are looked up
	 * @param mapper the application's JSON mapper ({@code JsonMapper.shared()} when there is none)
	 * @param futureTimeout how long a replay waits for a returned {@code CompletableFuture}
	 */
	public BeanMethodCompensationHandlers(BeanFactory beanFactory, ObjectProvider<JsonMapper> mapper,
			Duration futureTimeout) {
		this.beanFactory = beanFactory;
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
		Object bean = this.beanFactory.getBean(beanName);
		Class<?> type = AopUtils.getTargetClass(bean);
		Method method = null;
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(type)) {
			if (CompensableMethod.signature(candidate).equals(signature)
					&& CompensableMethod.annotation(candidate) != null) {
				method = candidate;
				break;
			}
		}
		if (method == null) {
			return null;
		}
		Method declared = method;
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		return (entry) -> {
			@Nullable Object[] args = new ArgumentsCodec(this.mapper.getIfAvailable(JsonMapper::shared)).read(declared,
					entry.arguments());
			Object result;
			try {
				result = invocable.invoke(bean, args);
			}
			catch (InvocationTargetException ex) {
				throw asException(ex.getCause());
			}
			if (result instanceof CompletableFuture<?> future) {
				try {
					future.get(this.futureTimeout.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (ExecutionException ex) {
					throw asException(CompensableMethodInterceptor.unwrap(ex));
				}
			}
		};
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

}
