package dev.safemap.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.breaker.FallbackCached;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKeyGenerator;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Analyses {@link FallbackCached} methods once (return type, key expression, parsed by
 * {@link MethodKeyExpression}) and caches the result per method, so the aspect's hot path does no parsing.
 * Validation failures are reported as {@link InvalidSafeMapPropertyException} naming the annotated method.
 * <p>
 * Thread-safety: instances are thread-safe.
 */
final class FallbackCachedMethods {

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			FallbackCachedMethods.class.getClassLoader());

	private final ParameterNameDiscoverer parameterNames = MethodKeyExpression.PARAMETER_NAMES;

	private final ConcurrentHashMap<Method, Plan> plans = new ConcurrentHashMap<>();

	private final Set<String> cacheNames = ConcurrentHashMap.newKeySet();

	private final Map<String, Type> valueTypes = new ConcurrentHashMap<>();

	Plan plan(Method method) {
		Plan plan = this.plans.get(method);
		return (plan != null) ? plan : this.plans.computeIfAbsent(method, this::analyse);
	}

	Set<String> cacheNames() {
		return this.cacheNames;
	}

	private Plan analyse(Method method) {
		FallbackCached annotation = AnnotatedElementUtils.findMergedAnnotation(method, FallbackCached.class);
		if (annotation == null) {
			throw new IllegalStateException("No @FallbackCached on " + method);
		}
		String where = "@FallbackCached on " + describe(method);
		if (!StringUtils.hasText(annotation.name())) {
			throw new InvalidSafeMapPropertyException(where + " (name)", annotation.name(),
					"the cache name is empty", "Give the cache a name, for example @FallbackCached(name = \"prices\").");
		}
		ReturnKind kind = ReturnKind.of(method.getReturnType());
		if (kind == null) {
			throw new InvalidSafeMapPropertyException(where, method.getReturnType().getName(),
					"the return type is not supported",
					"Return a value, an Optional, a CompletableFuture/CompletionStage or a Reactor Mono.");
		}
		String[] names = this.parameterNames.getParameterNames(method);
		KeyFunction key = keyFunction(method, annotation.key(), names, where);
		this.cacheNames.add(annotation.name());
		Type valueType = valueType(method, kind);
		Type other = this.valueTypes.putIfAbsent(annotation.name(), valueType);
		if (other != null && !other.equals(valueType)) {
			throw new InvalidSafeMapPropertyException(where + " (name)", annotation.name(),
					"another @FallbackCached method stores values of type " + other.getTypeName()
							+ " in this cache, this one " + valueType.getTypeName(),
					"Give each value type its own cache name.");
		}
		return new Plan(annotation.name(), kind, key, valueType);
	}

	private KeyFunction keyFunction(Method method, String source, String @Nullable [] names, String where) {
		if (!StringUtils.hasText(source)) {
			return (target, args) -> SimpleKeyGenerator.generateKey(args);
		}
		MethodKeyExpression expression = MethodKeyExpression.parse(method, source,
				(m, target, args) -> new KeyRoot(m, args, target), (ex) -> new InvalidSafeMapPropertyException(where + " (key)", source,
						"the key expression does not parse: " + ex.getMessage(),
						"Fix the SpEL expression, for example key = \"#id\" or key = \"#order.customerId\"."));
		String variable = expression.unresolvedReference();
		if (variable != null) {
			throw new InvalidSafeMapPropertyException(where + " (key)", source,
					"'" + variable + "' is not a parameter of the method"
							+ ((names != null) ? " (parameters: " + String.join(", ", names) + ")" : ""),
					"Refer to a parameter by name (compile with -parameters) or by position (#p0).");
		}
		return (target, args) -> nonNullKey(expression.evaluate(target, args), source, method);
	}

	private static Object nonNullKey(@Nullable Object key, String source, Method method) {
		if (key == null) {
			throw new IllegalArgumentException(
					"@FallbackCached key '" + source + "' evaluated to null for " + describe(method));
		}
		return key;
	}

	static String describe(Method method) {
		return MethodKeyExpression.describe(method);
	}

	/** How the aspect handles a return type. */
	enum ReturnKind {

		PLAIN, OPTIONAL, COMPLETION_STAGE, MONO;

		static @Nullable ReturnKind of(Class<?> type) {
			if (type == void.class || type == Void.class) {
				return null;
			}
			if (Optional.class == type) {
				return OPTIONAL;
			}
			if (CompletionStage.class.isAssignableFrom(type)) {
				return type.isAssignableFrom(java.util.concurrent.CompletableFuture.class) ? COMPLETION_STAGE : null;
			}
			if (REACTOR_PRESENT && ReactorSupport.isMono(type)) {
				return MONO;
			}
			if (REACTOR_PRESENT && ReactorSupport.isOtherPublisher(type)) {
				return null;
			}
			return PLAIN;
		}

	}

	/** Computes the key from the target and the arguments. */
	@FunctionalInterface
	interface KeyFunction {

		Object key(Object target, @Nullable Object[] args);

	}

	/** What the aspect needs to know about one method. */
	/**
	 * The type of the values the cache keeps for a method: its return type, or the type inside an
	 * {@code Optional}, a {@code CompletionStage} or a {@code Mono} ({@code Object} when that is not declared).
	 */
	static Type valueType(Method method, ReturnKind kind) {
		ResolvableType returnType = ResolvableType.forMethodReturnType(method);
		ResolvableType valueType = (kind == ReturnKind.PLAIN) ? returnType : returnType.getGeneric(0);
		Class<?> resolved = valueType.resolve();
		if (valueType == ResolvableType.NONE || resolved == null) {
			return Object.class;
		}
		return resolved.isPrimitive() ? ClassUtils.resolvePrimitiveIfNecessary(resolved) : valueType.getType();
	}

	record Plan(String cacheName, ReturnKind kind, KeyFunction key, Type valueType) {

	}

	/** The {@code #root} object of key expressions, as with {@code @Cacheable}. */
	static final class KeyRoot {

		private final Method method;

		private final @Nullable Object[] args;

		private final Object target;

		KeyRoot(Method method, @Nullable Object[] args, Object target) {
			this.method = method;
			this.args = args;
			this.target = target;
		}

		public Method getMethod() {
			return this.method;
		}

		public String getMethodName() {
			return this.method.getName();
		}

		public @Nullable Object[] getArgs() {
			return this.args;
		}

		public Object getTarget() {
			return this.target;
		}

		public Class<?> getTargetClass() {
			return this.target.getClass();
		}

	}

}
