package dev.safemap.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import dev.safemap.compensation.UnreadableCompensationException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a call's arguments as a JSON array with the application's Jackson mapper and reads them back into
 * the method's parameter types.
 */
final class ArgumentsCodec {

	private final JsonMapper mapper;

	ArgumentsCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Serializes every argument before anything is stored, so a bad argument stores nothing.
	 * @throws IllegalArgumentException naming the method and the parameter that cannot be serialized
	 */
	String write(Method method, @Nullable Object[] args) {
		StringBuilder json = new StringBuilder("[");
		for (int i = 0; i < args.length; i++) {
			if (i > 0) {
				json.append(',');
			}
			try {
				json.append(this.mapper.writeValueAsString(args[i]));
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("Cannot store a call to " + CompensableMethod.describe(method)
						+ " for compensation: argument '" + parameterName(method, i) + "' (parameter " + i + ", "
						+ method.getGenericParameterTypes()[i].getTypeName() + ") cannot be serialized to JSON: "
						+ ex.getMessage(), ex);
			}
		}
		return json.append(']').toString();
	}

	/**
	 * Reads stored arguments back.
	 * @throws UnreadableCompensationException when the JSON does not fit the method's parameters
	 */
	@Nullable Object[] read(Method method, String arguments) {
		JsonNode array;
		try {
			array = this.mapper.readTree(arguments);
		}
		catch (RuntimeException ex) {
			throw new UnreadableCompensationException("arguments of " + CompensableMethod.describe(method)
					+ " are not valid JSON: " + ex.getMessage(), ex);
		}
		Type[] types = method.getGenericParameterTypes();
		if (array == null || !array.isArray() || array.size() != types.length) {
			throw new UnreadableCompensationException("arguments of " + CompensableMethod.describe(method)
					+ " are not a JSON array of " + types.length + " values");
		}
		@Nullable Object[] args = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			try {
				args[i] = this.mapper.treeToValue(array.get(i), this.mapper.constructType(types[i]));
			}
			catch (RuntimeException ex) {
				// the parameter name unquoted: stored reasons drop quoted text (FailureDescription)
				throw new UnreadableCompensationException("argument " + parameterName(method, i) + " of "
						+ CompensableMethod.describe(method) + " cannot be read as " + types[i].getTypeName() + ": "
						+ ex.getMessage(), ex);
			}
		}
		return args;
	}

	static String parameterName(Method method, int index) {
		String[] names = MethodKeyExpression.PARAMETER_NAMES.getParameterNames(method);
		return (names != null && index < names.length) ? names[index] : "arg" + index;
	}

}
