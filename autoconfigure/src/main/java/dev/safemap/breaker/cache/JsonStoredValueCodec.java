package dev.safemap.breaker.cache;

import java.lang.reflect.Type;
import java.util.Objects;

import dev.safemap.breaker.StoredValue;
import dev.safemap.breaker.UnreadableStoredValueException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads the {@link StoredValue} of one fallback cache as JSON, with the value type the cache declares:
 * <pre>{"format":"safemap-fallback/1","writtenAt":1733240109967,"value":{"symbol":"ACME","cents":100}}</pre>
 * Reading never lets the stored data choose a class: the value is bound to the declared type only, Jackson's
 * default typing is off and class-name type ids ({@code @JsonTypeInfo(use = CLASS)}) are refused by a validator that
 * allows no class. Anything else (Java-serialized bytes, JSON of another shape or type, a class name) is refused with
 * an {@link UnreadableStoredValueException} before any object of it is created; Java serialization is never used.
 * <p>
 * Thread-safety: immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class JsonStoredValueCodec {

	/** The value of the {@code format} field of every stored value. */
	public static final String FORMAT = "safemap-fallback/1";

	private static final JsonMapper DEFAULT_MAPPER = JsonMapper.builder()
		.polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
		.build();

	private final JsonMapper mapper;

	private final JavaType valueType;

	private JsonStoredValueCodec(JsonMapper mapper, JavaType valueType) {
		this.mapper = mapper;
		this.valueType = valueType;
	}

	/**
	 * Returns a codec for values of a type, on SafeMap's own mapper (no default typing, no class-name type ids).
	 * @param valueType the declared type of the values, not null (a {@code Class} or a {@code ParameterizedType})
	 * @return the codec
	 * @throws NullPointerException if valueType is null
	 */
	public static JsonStoredValueCodec forType(Type valueType) {
		Objects.requireNonNull(valueType, "valueType must not be null");
		return new JsonStoredValueCodec(DEFAULT_MAPPER, DEFAULT_MAPPER.getTypeFactory().constructType(valueType));
	}

	/**
	 * Returns the declared value type.
	 * @return the type the values are read as
	 */
	public Type valueType() {
		return this.valueType;
	}

	/**
	 * Writes a stored value.
	 * @param entry the entry, not null
	 * @return its JSON, UTF-8
	 * @throws IllegalArgumentException if the value cannot be written as JSON
	 */
	public byte[] encode(StoredValue<?> entry) {
		Objects.requireNonNull(entry, "entry must not be null");
		try {
			ObjectNode node = this.mapper.createObjectNode();
			node.put("format", FORMAT);
			node.put("writtenAt", entry.writtenAtMillis());
			node.set("value", this.mapper.valueToTree(entry.value()));
			return this.mapper.writeValueAsBytes(node);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The value of type " + entry.value().getClass().getName()
					+ " cannot be stored as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Reads a stored value written by {@link #encode(StoredValue)}, as the declared type.
	 * @param bytes what the store holds, not null
	 * @return the entry
	 * @throws UnreadableStoredValueException if the bytes are not a stored value of the declared type; no object
	 * other than JSON nodes and, for a value of the right shape, the declared type's objects was created
	 */
	public StoredValue<Object> decode(byte[] bytes) {
		Objects.requireNonNull(bytes, "bytes must not be null");
		if (bytes.length == 0 || bytes[0] != '{') {
			throw new UnreadableStoredValueException("not a SafeMap JSON stored value (" + describe(bytes)
					+ "); expected " + FORMAT + " of " + this.valueType.toCanonical(), null);
		}
		JsonNode node;
		try {
			node = this.mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new UnreadableStoredValueException("not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		JsonNode writtenAt = node.get("writtenAt");
		JsonNode value = node.get("value");
		if (!node.isObject() || !FORMAT.equals(node.path("format").asString(null)) || writtenAt == null
				|| !writtenAt.isIntegralNumber() || !writtenAt.canConvertToLong() || value == null || value.isNull()) {
			throw new UnreadableStoredValueException("JSON of another shape; expected " + FORMAT
					+ " with a writtenAt and a non-null value of " + this.valueType.toCanonical(), null);
		}
		try {
			Object read = this.mapper.treeToValue(value, this.valueType);
			if (read == null) {
				throw new UnreadableStoredValueException("the value read as null", null);
			}
			return new StoredValue<>(read, writtenAt.longValue());
		}
		catch (JacksonException ex) {
			throw new UnreadableStoredValueException(
					"the value is not a " + this.valueType.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static String describe(byte[] bytes) {
		if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xAC && (bytes[1] & 0xFF) == 0xED) {
			return "Java serialization, which is never read";
		}
		return bytes.length + " bytes";
	}

}
