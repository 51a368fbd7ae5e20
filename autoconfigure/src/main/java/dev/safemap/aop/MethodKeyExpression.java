package dev.safemap.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The one evaluator of SpEL key expressions over a method's arguments ({@code #name}, {@code #p0}, {@code #a0}),
 * shared by {@code @FallbackCached(key)} and {@code @Compensable(key, orderingKey)}: parsed once, when the
 * annotated method is validated at startup, and evaluated per call with a {@link MethodBasedEvaluationContext}.
 * A bare reference to a parameter ({@code #order}, {@code #p0}) is resolved without SpEL.
 * <p>
 * Callers report parse errors and turn a value into a key themselves, so each annotation keeps its own
 * messages.
 * <p>
 * Thread-safety: instances are immutable and thread-safe (a parsed SpEL expression may be evaluated
 * concurrently; each evaluation has its own context).
 */
final class MethodKeyExpression {

	static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	/** {@code #name}, {@code #p0} or {@code #a0}: resolved without SpEL when it names a parameter. */
	private static final Pattern SIMPLE_REFERENCE = Pattern.compile("#([A-Za-z_$][A-Za-z0-9_$]*)");

	private static final Pattern INDEX_REFERENCE = Pattern.compile("[pa](\\d+)");

	private final Method method;

	private final String source;

	private final @Nullable String simpleReference;

	/** Index of the parameter a simple reference names, or -1. */
	private final int parameterIndex;

	private final @Nullable Expression expression;

	private final RootFactory root;

	private MethodKeyExpression(Method method, String source, @Nullable String simpleReference, int parameterIndex,
			@Nullable Expression expression, RootFactory root) {
		this.method = method;
		this.source = source;
		this.simpleReference = simpleReference;
		this.parameterIndex = parameterIndex;
		this.expression = expression;
		this.root = root;
	}

	/**
	 * Parses a key expression of a method.
	 * @param method the annotated method
	 * @param source the expression, not blank
	 * @param root builds the {@code #root} object of an evaluation (not called for a bare parameter reference)
	 * @param onParseError turns a parse error into the exception to throw (naming the annotation and method)
	 * @return the parsed expression
	 */
	static MethodKeyExpression parse(Method method, String source, RootFactory root,
			Function<ParseException, ? extends RuntimeException> onParseError) {
		String trimmed = source.trim();
		Matcher simple = SIMPLE_REFERENCE.matcher(trimmed);
		if (simple.matches()) {
			String variable = simple.group(1);
			int index = indexOf(variable, PARAMETER_NAMES.getParameterNames(method), method.getParameterCount());
			if (index >= 0) {
				return new MethodKeyExpression(method, source, variable, index, null, root);
			}
		}
		Expression expression;
		try {
			expression = PARSER.parseExpression(trimmed);
		}
		catch (ParseException ex) {
			throw onParseError.apply(ex);
		}
		return new MethodKeyExpression(method, source, simple.matches() ? simple.group(1) : null, -1, expression,
				root);
	}

	private static int indexOf(String variable, String @Nullable [] names, int parameterCount) {
		if (names != null) {
			for (int i = 0; i < names.length; i++) {
				if (names[i].equals(variable)) {
					return i;
				}
			}
		}
		Matcher index = INDEX_REFERENCE.matcher(variable);
		if (index.matches()) {
			int position = Integer.parseInt(index.group(1));
			return (position < parameterCount) ? position : -1;
		}
		return -1;
	}

	/**
	 * Returns the variable of an expression that is a bare {@code #variable} naming no parameter of the
	 * method (SpEL would evaluate it to null, or to the root object for {@code #root}).
	 * @return the variable, or null when the expression is not such a reference
	 */
	@Nullable String unresolvedReference() {
		return (this.simpleReference != null && this.parameterIndex < 0) ? this.simpleReference : null;
	}

	/** Returns the expression as written. */
	String source() {
		return this.source;
	}

	/**
	 * Evaluates the expression for one call.
	 * @param target the object the method is called on (null when unknown)
	 * @param args the call's arguments
	 * @return the value (may be null)
	 * @throws org.springframework.expression.EvaluationException if SpEL cannot evaluate it
	 */
	@Nullable Object evaluate(@Nullable Object target, @Nullable Object[] args) {
		Expression spel = this.expression;
		if (spel == null) {
			return args[this.parameterIndex];
		}
		Object rootObject = this.root.root(this.method, target, args);
		return spel.getValue(new MethodBasedEvaluationContext(rootObject, this.method, args, PARAMETER_NAMES));
	}

	/** Builds the {@code #root} object of an evaluation; each annotation keeps the root it always had. */
	@FunctionalInterface
	interface RootFactory {

		@Nullable Object root(Method method, @Nullable Object target, @Nullable Object[] args);

	}

	/** Describes a method as {@code com.example.Type.name(ParamType, ...)} for error messages. */
	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

}
