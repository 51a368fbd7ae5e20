package dev.safemap.breaker.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.safemap.breaker.StoredValue;
import dev.safemap.breaker.UnreadableStoredValueException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Redis value format, without Redis: JSON bound to the declared type, and nothing in the stored bytes decides
 * what is instantiated.
 */
class JsonStoredValueCodecTests {

	static final AtomicBoolean GADGET_CREATED = new AtomicBoolean();

	private final JsonStoredValueCodec prices = JsonStoredValueCodec.forType(Price.class);

	@BeforeEach
	void reset() {
		PlantedGadget.RAN.set(false);
		GADGET_CREATED.set(false);
	}

	@Test
	void aValueIsWrittenAsJsonAndReadBackAsTheDeclaredType() {
		byte[] json = this.prices.encode(new StoredValue<>(new Price("ACME", 100), 1733240109967L));
		assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
				"{\"format\":\"safemap-fallback/1\",\"writtenAt\":1733240109967,\"value\":{\"symbol\":\"ACME\",\"cents\":100}}");
		StoredValue<Object> read = this.prices.decode(json);
		assertThat(read.value()).isEqualTo(new Price("ACME", 100));
		assertThat(read.writtenAtMillis()).isEqualTo(1733240109967L);
	}

	@Test
	void aGenericValueTypeIsReadWithItsTypeArguments() {
		JsonStoredValueCodec codec = JsonStoredValueCodec
			.forType(new ParameterizedTypeReference<List<Price>>() { }.getType());
		byte[] json = codec.encode(new StoredValue<>(List.of(new Price("ACME", 100)), 1L));
		assertThat(codec.decode(json).value()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsExactly(new Price("ACME", 100));
	}

	@Test
	void javaSerializedBytesAreRefusedWithoutRunningAnyOfTheirCode() {
		assertThatExceptionOfType(UnreadableStoredValueException.class)
			.isThrownBy(() -> this.prices.decode(PlantedGadget.serialized()))
			.withMessageContaining("Java serialization");
		assertThat(PlantedGadget.RAN).isFalse();
	}

	@Test
	void aClassNameInTheStoredJsonIsRefusedEvenWhenTheDeclaredTypeAsksForOne() {
		JsonStoredValueCodec shapes = JsonStoredValueCodec.forType(ClassNamedShape.class);
		String planted = "{\"format\":\"safemap-fallback/1\",\"writtenAt\":1,\"value\":{\"@class\":\""
				+ Gadget.class.getName() + "\"}}";
		assertThatExceptionOfType(UnreadableStoredValueException.class)
			.isThrownBy(() -> shapes.decode(planted.getBytes(StandardCharsets.UTF_8)));
		assertThat(GADGET_CREATED).isFalse();
	}

	@Test
	void aDefaultTypingStylePayloadIsReadAsPlainJsonForAnObjectValueType() {
		JsonStoredValueCodec objects = JsonStoredValueCodec.forType(Object.class);
		String planted = "{\"format\":\"safemap-fallback/1\",\"writtenAt\":1,\"value\":[\"" + Gadget.class.getName()
				+ "\",{}]}";
		assertThat(objects.decode(planted.getBytes(StandardCharsets.UTF_8)).value())
			.isEqualTo(List.of(Gadget.class.getName(), Map.of()));
		assertThat(GADGET_CREATED).isFalse();
	}

	@Test
	void subtypesNamedFromAFixedListRoundTrip() {
		JsonStoredValueCodec shapes = JsonStoredValueCodec.forType(NamedShape.class);
		byte[] json = shapes.encode(new StoredValue<>(new Circle(2), 1L));
		assertThat(shapes.decode(json).value()).isEqualTo(new Circle(2));
	}

	@Test
	void jsonOfAnotherShapeOrTypeIsRefused() {
		for (String json : List.of("{\"symbol\":\"ACME\",\"cents\":100}",
				"{\"format\":\"safemap-fallback/1\",\"writtenAt\":\"yesterday\",\"value\":{}}",
				"{\"format\":\"safemap-fallback/1\",\"writtenAt\":1,\"value\":null}",
				"{\"format\":\"safemap-fallback/1\",\"writtenAt\":1,\"value\":[1,2]}", "{not json", "")) {
			assertThatExceptionOfType(UnreadableStoredValueException.class).as(json)
				.isThrownBy(() -> this.prices.decode(json.getBytes(StandardCharsets.UTF_8)));
		}
	}

	record Price(String symbol, long cents) {

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
	abstract static class ClassNamedShape {

	}

	/** Would be a gadget: creating it has a side effect. */
	static class Gadget extends ClassNamedShape {

		Gadget() {
			GADGET_CREATED.set(true);
		}

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = Circle.class, name = "circle"))
	sealed interface NamedShape permits Circle {

	}

	record Circle(int radius) implements NamedShape {

	}

}
