package dev.safemap.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.safemap.compensation.Compensable;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * A validated {@link Compensable} method: breaker name, parsed key expressions ({@link MethodKeyExpression}),
 * exceptions, return kind.
 * <p>
 * Thread-safety: instances are immutable and thread-safe.
 */
final class CompensableMethod {

	private final Method method;

	private final String breaker;

	private final @Nullable MethodKeyExpression key;

	private final @Nullable MethodKeyExpression orderingKey;

	private final Class<? extends Throwable>[] on;

	private final boolean future;

	private final String signature;

	private CompensableMethod(Method method, Compensable annotation) {
		this.method = method;
		this.breaker = annotation.name();
		this.key = parse(method, "key", annotation.key());
		this.orderingKey = parse(method, "orderingKey", annotation.orderingKey());
		this.on = annotation.on();
		this.future = method.getReturnType() == CompletableFuture.class;
		this.signature = signature(method);
	}

	/**
	 * Returns the annotation of a method, if any.
	 */
	static @Nullable Compensable annotation(Method method) {
		return AnnotatedElementUtils.findMergedAnnotation(method, Compensable.class);
	}

	/**
	 * Validates an annotated method.
	 * @throws InvalidSafeMapPropertyException naming the method and why it cannot be compensated
	 */
	static CompensableMethod of(Method method, Compensable annotation) {
		String where = "@Compensable on " + describe(method);
		if (annotation.name().isBlank()) {
			throw new InvalidSafeMapPropertyException(where, annotation.name(), "the circuit breaker name is blank",
					"Set name to the Resilience4j circuit breaker the call goes through, for example "
							+ "@Compensable(name = \"inventory\")");
		}
		if (!isSupportedReturnType(method)) {
			throw new InvalidSafeMapPropertyException(where, method.getGenericReturnType().getTypeName(),
					"a compensable method must return void or CompletableFuture<Void>: when the call is stored for a "
							+ "later replay there is no result to give back to the caller",
					"Return void or CompletableFuture<Void> from " + describe(method) + ", or remove @Compensable");
		}
		int modifiers = method.getModifiers();
		if (!Modifier.isPublic(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
			throw new InvalidSafeMapPropertyException(where, Modifier.toString(modifiers),
					"Spring AOP intercepts only public, non-static, non-final methods, so this call would never be "
							+ "compensated",
					"Make " + describe(method) + " public and neither static nor final");
		}
		return new CompensableMethod(method, annotation);
	}

	private static boolean isSupportedReturnType(Method method) {
		Class<?> type = method.getReturnType();
		if (type == void.class) {
			return true;
		}
		if (type != CompletableFuture.class) {
			return false;
		}
		Type generic = method.getGenericReturnType();
		if (!(generic instanceof ParameterizedType parameterized)) {
			return true; // raw CompletableFuture
		}
		Type argument = parameterized.getActualTypeArguments()[0];
		return argument == Void.class
				|| (argument instanceof WildcardType wildcard && wildcard.getUpperBounds()[0] == Object.class);
	}

	private static @Nullable MethodKeyExpression parse(Method method, String attribute, String text) {
		if (text.isBlank()) {
			return null;
		}
		// the root object of @Compensable expressions is the arguments array, as it always was
		return MethodKeyExpression.parse(method, text, (m, target, args) -> args,
				(ex) -> new InvalidSafeMapPropertyException("@Compensable(" + attribute + ") on " + describe(method),
						text, "not a valid SpEL expression: " + ex.getMessage(),
						"Fix the expression; arguments are available as #name, #p0 or #a0"));
	}

	static String describe(Method method) {
		return MethodKeyExpression.describe(method);
	}

	static String signature(Method method) {
		return method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getName).collect(Collectors.joining(",")) + ")";
	}

	Method method() {
		return this.method;
	}

	String breaker() {
		return this.breaker;
	}

	boolean isFuture() {
		return this.future;
	}

	String signature() {
		return this.signature;
	}

	/**
	 * Whether a failure of the call is one of the {@code on} types, meaning "store it for a replay". A refusal
	 * by the open breaker compensates too; {@link dev.safemap.compensation.CompensableCalls} adds that rule.
	 */
	boolean compensates(Throwable failure) {
		for (Class<? extends Throwable> type : this.on) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	String idempotencyKey(@Nullable Object[] args) {
		return (this.key != null) ? evaluate(this.key, "key", args) : UUID.randomUUID().toString();
	}

	String orderingKey(@Nullable Object[] args, String idempotencyKey) {
		return (this.orderingKey != null) ? evaluate(this.orderingKey, "orderingKey", args) : idempotencyKey;
	}

	private String evaluate(MethodKeyExpression expression, String attribute, @Nullable Object[] args) {
		Object value;
		try {
			value = expression.evaluate(null, args);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("@Compensable(" + attribute + " = \"" + expression.source()
					+ "\") of " + describe(this.method) + " cannot be evaluated: " + ex.getMessage(), ex);
		}
		String text = (value != null) ? value.toString() : "";
		if (text.isBlank()) {
			throw new IllegalArgumentException("@Compensable(" + attribute + " = \"" + expression.source()
					+ "\") of " + describe(this.method) + " gave an empty key ('" + value + "')");
		}
		return text;
	}

}
