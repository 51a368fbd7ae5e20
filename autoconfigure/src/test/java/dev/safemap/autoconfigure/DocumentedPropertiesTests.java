package dev.safemap.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property tables of README.md and docs/*.md against the configuration metadata the build generates: every
 * documented property exists, every documented default is the real one, the application starts with each documented
 * default set explicitly, and every SafeMap property is documented somewhere.
 * <p>
 * A table counts when its header row starts with {@code | property | default |}. A row's first cell names one
 * property in full ({@code `safemap.a.b`}) and possibly siblings, either relative ({@code / `c`}) or as a suffix
 * ({@code , `.c`}); its second cell gives as many defaults, in backticks when they are literal values (anything else,
 * such as "not set" or "generated at startup", describes the absence of a value and is not checked as a value).
 */
class DocumentedPropertiesTests {

	private static final Pattern CODE = Pattern.compile("`([^`]*)`");

	private static final List<Path> DOCUMENTS = documents();

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, TimeLimiterAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(safeMapAutoConfigurations()));

	@Test
	void thePropertyTablesAreFound() {
		assertThat(documentedProperties()).as("documented properties").hasSizeGreaterThan(40)
			.containsKeys("safemap.breaker.max-staleness", "safemap.compensation.backoff.multiplier",
					"safemap.masking.roles", "safemap.context.max-value-length");
	}

	@TestFactory
	Stream<DynamicTest> everyDocumentedPropertyExists() {
		Map<String, JsonNode> metadata = metadata();
		return documentedProperties().values().stream()
			.map((row) -> DynamicTest.dynamicTest(row.name(),
					() -> assertThat(metadata.containsKey(row.name()) || underAMap(metadata, row.name()))
						.as("%s (documented in %s) is not a property", row.name(), row.where())
						.isTrue()));
	}

	@TestFactory
	Stream<DynamicTest> everyDocumentedDefaultIsTheRealOne() {
		Map<String, JsonNode> metadata = metadata();
		return documentedProperties().values().stream()
			.filter((row) -> row.literal() != null && metadata.containsKey(row.name())
					&& metadata.get(row.name()).has("defaultValue"))
			.map((row) -> DynamicTest.dynamicTest(row.name() + " = " + row.literal(), () -> {
				JsonNode real = metadata.get(row.name()).get("defaultValue");
				assertThat(normalize(row.literal())).as("default of %s documented in %s (metadata: %s)", row.name(),
						row.where(), real)
					.isEqualTo(normalize(real.isArray() ? join(real) : real.asString()));
			}));
	}

	@TestFactory
	Stream<DynamicTest> theApplicationStartsWithEveryDocumentedDefaultSetExplicitly() {
		return documentedProperties().values().stream()
			.filter((row) -> row.literal() != null)
			.map((row) -> DynamicTest.dynamicTest(row.name() + " = " + row.literal(),
					() -> {
						this.runner.withPropertyValues(row.name() + "=" + row.literal())
							.run((context) -> assertThat(context).as("%s=%s (from %s)", row.name(), row.literal(),
									row.where()).hasNotFailed());
						// no @Compensable method here: the embedded store must not have been created, except where the
						// property asks for it by name (docs/compensation.md, "When the embedded store is created")
						Path directory = Path.of(".safemap");
						try {
							if (!row.name().equals("safemap.compensation.store.directory")) {
								assertThat(directory).as("files written with %s=%s", row.name(), row.literal())
									.doesNotExist();
							}
						}
						finally {
							org.springframework.util.FileSystemUtils.deleteRecursively(directory);
						}
					}));
	}

	@Test
	void everySafeMapPropertyIsDocumented() {
		Set<String> documented = documentedProperties().keySet();
		Set<String> undocumented = new TreeSet<>();
		for (Map.Entry<String, JsonNode> property : metadata().entrySet()) {
			String name = property.getKey();
			if (property.getValue().has("deprecation")) {
				// documented beside its replacement, not in a row of its own
				String replacement = property.getValue().path("deprecation").path("replacement").asString("");
				if (!documented.contains(replacement)) {
					undocumented.add(name + " (deprecated, replacement '" + replacement + "' undocumented)");
				}
				continue;
			}
			if (name.startsWith("safemap.") && !documented.contains(name)
					&& documented.stream().noneMatch((doc) -> doc.startsWith(name + "."))) {
				undocumented.add(name);
			}
		}
		assertThat(undocumented).as("properties in no table of README.md or docs/*.md").isEmpty();
	}

	private static boolean underAMap(Map<String, JsonNode> metadata, String name) {
		return metadata.entrySet().stream()
			.anyMatch((entry) -> name.startsWith(entry.getKey() + ".")
					&& entry.getValue().path("type").asString("").startsWith("java.util.Map<"));
	}

	private static String join(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(value.asString()));
		return String.join(",", values);
	}

	/** Compares values as Boot binds them: case-insensitively, numbers by value, durations by length. */
	private static String normalize(String value) {
		String trimmed = value.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
		try {
			return "number:" + new java.math.BigDecimal(trimmed).stripTrailingZeros().toPlainString();
		}
		catch (NumberFormatException ex) {
			// not a number
		}
		try {
			return "duration:" + DurationStyle.detectAndParse(trimmed);
		}
		catch (IllegalArgumentException ex) {
			return trimmed;
		}
	}

	static Map<String, Row> documentedProperties() {
		Map<String, Row> rows = new LinkedHashMap<>();
		for (Path document : DOCUMENTS) {
			List<String> lines;
			try {
				lines = Files.readAllLines(document, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			boolean inTable = false;
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i).trim();
				List<String> cells = cells(line);
				if (cells.size() >= 2 && cells.get(0).equals("property") && cells.get(1).equals("default")) {
					inTable = true;
					continue;
				}
				if (!line.startsWith("|")) {
					inTable = false;
					continue;
				}
				if (inTable && cells.get(0).startsWith("`")) {
					String where = document.getFileName() + ":" + (i + 1);
					for (Row row : rows(cells.get(0), cells.get(1), where)) {
						rows.putIfAbsent(row.name(), row);
					}
				}
			}
		}
		return rows;
	}

	private static List<Row> rows(String namesCell, String defaultsCell, String where) {
		List<String> names = new ArrayList<>();
		Matcher matcher = CODE.matcher(namesCell);
		while (matcher.find()) {
			String name = matcher.group(1);
			if (names.isEmpty()) {
				names.add(name);
			}
			else {
				String first = names.get(0);
				String parent = first.substring(0, first.lastIndexOf('.'));
				names.add(name.startsWith(".") ? parent + name : parent + "." + name);
			}
		}
		List<String> defaults = List.of(defaultsCell);
		if (names.size() > 1) {
			defaults = Arrays.stream(defaultsCell.split(" / ")).map(String::trim).toList();
			if (defaults.size() != names.size()) {
				defaults = Arrays.stream(defaultsCell.split(", ")).map(String::trim).toList();
			}
			if (defaults.size() != names.size() && literal(defaultsCell) == null && !defaultsCell.contains("`")) {
				// one description for all of them, such as "top-level values"
				defaults = java.util.Collections.nCopies(names.size(), defaultsCell);
			}
			assertThat(defaults).as("%s: %d properties and %d defaults", where, names.size(), defaults.size())
				.hasSameSizeAs(names);
		}
		List<String> values = defaults;
		return java.util.stream.IntStream.range(0, names.size())
			.mapToObj((i) -> new Row(names.get(i), literal(values.get(i)), where))
			.toList();
	}

	/** The value in backticks when the whole cell is one, else null (a description such as "not set"). */
	private static String literal(String cell) {
		Matcher matcher = CODE.matcher(cell);
		return (matcher.matches()) ? matcher.group(1) : null;
	}

	private static List<String> cells(String line) {
		if (!line.startsWith("|")) {
			return List.of();
		}
		List<String> cells = new ArrayList<>();
		for (String cell : line.substring(1).split("\\|", -1)) {
			cells.add(cell.trim());
		}
		return cells;
	}

	private static Map<String, JsonNode> metadata() {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		try (InputStream in = DocumentedPropertiesTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("configuration metadata generated by the build").isNotNull();
			for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
				properties.put(property.get("name").asString(), property);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return properties;
	}

	private static Class<?>[] safeMapAutoConfigurations() {
		try (InputStream in = DocumentedPropertiesTests.class.getResourceAsStream(
				"/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.map(String::trim)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.map(DocumentedPropertiesTests::load)
				.toArray(Class<?>[]::new);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<Path> documents() {
		List<Path> documents = new ArrayList<>();
		documents.add(Path.of("../README.md"));
		try (Stream<Path> docs = Files.list(Path.of("../docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return documents;
	}

	record Row(String name, String literal, String where) {

	}

}
