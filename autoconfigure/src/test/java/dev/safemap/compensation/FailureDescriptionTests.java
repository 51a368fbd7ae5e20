package dev.safemap.compensation;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureDescriptionTests {

	@Test
	void keepsTheClassAndTheWordsAndDropsQuotedTextLongNumbersEmailsAndLaterLines() {
		String described = FailureDescription.of(new IOException(
				"Cannot deserialize value of type `long` from String \"+44 7700 900123\": not a valid value\n"
						+ " at [Source: (String)\"secret\"; line: 1, column: 1]"));
		assertThat(described)
			.isEqualTo("java.io.IOException: Cannot deserialize value of type ? from String ?: not a valid value");
		assertThat(FailureDescription.sanitize("503 Service Unavailable for jane.doe@example.com, card 4111 1111 1111 1111"))
			.isEqualTo("503 Service Unavailable for ?@?, card #");
	}

	@Test
	void failureWithoutMessageIsItsClassName() {
		assertThat(FailureDescription.of(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
	}

	@Test
	void longMessageIsCut() {
		assertThat(FailureDescription.sanitize("x".repeat(1000))).hasSize(FailureDescription.MAX_MESSAGE_LENGTH + 3);
	}

}
