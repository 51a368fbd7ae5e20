package dev.safemap.compensation;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Describes a failure for storage and display (an entry's {@code lastError}, dead-letter reasons) without the
 * values it may carry: the exception's class name and a sanitized first line of its message. Deserializers and
 * HTTP clients put argument values and response bodies in their messages (Jackson:
 * {@code Cannot deserialize value of type long from String "+44 7700 900123"}), and those are personal data.
 * <p>
 * Sanitizing, best effort: only the first line of the message is kept (Jackson's source excerpt, stack-like
 * details and multi-line bodies go); text in double, single or back quotes becomes {@code ?}; e-mail addresses
 * become {@code ?@?}; a number of four digits or more (spaces, dots, dashes, slashes, parentheses and a leading
 * plus allowed between them: phone numbers, card numbers, dates) becomes {@code #}, while shorter numbers (an HTTP
 * status, a count) stay; the result is cut at {@value #MAX_MESSAGE_LENGTH} characters.
 * <p>
 * Thread-safety: stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class FailureDescription {

	/** Longest kept message, after sanitizing. */
	public static final int MAX_MESSAGE_LENGTH = 300;

	private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"?|'[^']*'?|`[^`]*`?");

	private static final Pattern EMAIL = Pattern.compile("[^\\s@\"'`,;()<>\\[\\]]+@[^\\s@\"'`,;()<>\\[\\]]+");

	private static final Pattern NUMBER = Pattern.compile("\\+?\\d(?:[\\d .\\-/()]*\\d)?");

	private FailureDescription() {
	}

	/**
	 * Describes a failure: its class name, then {@code ": "} and the sanitized message when it has one.
	 * @param failure the failure
	 * @return the description
	 * @throws NullPointerException if failure is null
	 */
	public static String of(Throwable failure) {
		Objects.requireNonNull(failure, "failure must not be null");
		String message = failure.getMessage();
		String sanitized = (message != null) ? sanitize(message) : "";
		return failure.getClass().getName() + (sanitized.isEmpty() ? "" : ": " + sanitized);
	}

	/**
	 * Sanitizes a message as described above.
	 * @param message the message
	 * @return the sanitized message, possibly empty
	 * @throws NullPointerException if message is null
	 */
	public static String sanitize(String message) {
		Objects.requireNonNull(message, "message must not be null");
		String line = message.strip();
		int newline = line.indexOf('\n');
		if (newline >= 0) {
			line = line.substring(0, newline);
		}
		line = line.replace('\r', ' ');
		line = QUOTED.matcher(line).replaceAll("?");
		line = EMAIL.matcher(line).replaceAll("?@?");
		Matcher numbers = NUMBER.matcher(line);
		StringBuilder out = new StringBuilder();
		while (numbers.find()) {
			String number = numbers.group();
			long digits = number.chars().filter(Character::isDigit).count();
			numbers.appendReplacement(out, Matcher.quoteReplacement((digits >= 4) ? "#" : number));
		}
		numbers.appendTail(out);
		String text = out.toString().strip();
		return (text.length() > MAX_MESSAGE_LENGTH) ? text.substring(0, MAX_MESSAGE_LENGTH) + "..." : text;
	}

}
