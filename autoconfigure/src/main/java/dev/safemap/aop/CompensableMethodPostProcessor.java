package dev.safemap.aop;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.compensation.Compensable;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.util.ClassUtils;

/**
 * Validates every {@link Compensable} method when its bean is created (so a bad return type or key
 * expression fails startup, naming the method) and remembers which bean name each target object has, for the
 * stored call's target id.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensableMethodPostProcessor implements BeanPostProcessor {

	private final Map<Method, CompensableMethod> methods = new ConcurrentHashMap<>();

	private final Map<Object, String> beanNames = Collections.synchronizedMap(new IdentityHashMap<>());

	private final Set<String> breakers = ConcurrentHashMap.newKeySet();

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		Class<?> type = ClassUtils.getUserClass(bean);
		Map<Method, Compensable> annotated = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<Compensable>) CompensableMethod::annotation);
		if (!annotated.isEmpty()) {
			annotated.forEach((method, annotation) -> register(method, annotation));
			this.beanNames.put(bean, beanName);
		}
		return bean;
	}

	private CompensableMethod register(Method method, Compensable annotation) {
		CompensableMethod compensable = this.methods.computeIfAbsent(method,
				(m) -> CompensableMethod.of(m, annotation));
		this.breakers.add(compensable.breaker());
		return compensable;
	}

	/** Returns the validated metadata of a method (validating it now if its bean was not seen). */
	@Nullable CompensableMethod method(Method method) {
		CompensableMethod known = this.methods.get(method);
		if (known != null) {
			return known;
		}
		Compensable annotation = CompensableMethod.annotation(method);
		return (annotation != null) ? register(method, annotation) : null;
	}

	/**
	 * Returns whether a bean with a {@code @Compensable} method was seen.
	 * @return whether compensable methods exist
	 */
	public boolean hasCompensableMethods() {
		return !this.methods.isEmpty();
	}

	@Nullable String beanName(Object target) {
		return this.beanNames.get(target);
	}

	Set<String> breakerNames() {
		return Set.copyOf(this.breakers);
	}

}
