package dev.safemap.example.docs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs' captured examples are what the example application answers today. Each JSON example marked with a
 * {@code <!-- doc-check: request='GET /path' ... -->} comment in {@code docs/*.md} is requested from the running
 * example (after the documented {@code before} requests, as the documented user), and the answer must have the
 * documented status and the documented shape: the same fields at every level, each of the same JSON kind (a
 * documented {@code null} or an empty array matches any value, as the values are a capture of one run);
 * {@code exact='true'} compares the whole body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoint.health.show-details=always",
				"safemap.compensation.store.directory=target/compensation-test-${random.uuid}",
				"safemap.masking.secret=example-secret-from-your-vault-32" })
class DocumentedRequestsTests {

	private static final Pattern MARKER = Pattern.compile("<!-- doc-check: (.*?) -->");

	private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)='([^']*)'");

	private static final Map<String, String> PASSWORDS = Map.of("viewer", "viewer-demo", "operator", "operator-demo");

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void everyMarkedExampleIsWhatTheApplicationAnswers() throws Exception {
		List<Example> examples = new ArrayList<>();
		for (String doc : List.of("actuator.md", "compensation.md", "fallback-cache.md")) {
			examples.addAll(examples(Path.of("..", "docs", doc)));
		}
		assertThat(examples).as("marked examples").hasSizeGreaterThanOrEqualTo(8);
		List<String> problems = new ArrayList<>();
		for (Example example : examples) {
			for (String before : example.attribute("before").split(";")) {
				if (!before.isBlank()) {
					send(before.trim(), null, example.attributes.get("user"));
				}
			}
			HttpResponse<String> answer = send(example.attribute("request"), example.attributes.get("body"),
					example.attributes.get("user"));
			String where = example.where + " " + example.attribute("request");
			if (answer.statusCode() != Integer.parseInt(example.attribute("status"))) {
				problems.add(where + ": status " + answer.statusCode() + ", documented " + example.attribute("status")
						+ ": " + answer.body());
				continue;
			}
			JsonNode actual = this.json.readTree(answer.body());
			String at = example.attribute("at");
			if (!at.isEmpty()) {
				actual = actual.at(at);
			}
			JsonNode documented = this.json.readTree(example.json);
			if (Boolean.parseBoolean(example.attributes.get("exact"))) {
				if (!documented.equals(actual)) {
					problems.add(where + ": documented " + documented + ", answered " + actual);
				}
			}
			else {
				compareShape(where, "", documented, actual, problems);
			}
		}
		assertThat(problems).isEmpty();
	}

	private static void compareShape(String where, String path, JsonNode documented, JsonNode actual,
			List<String> problems) {
		if (documented.isNull() || actual.isNull() && !documented.isContainer()) {
			return;
		}
		if (documented.getNodeType() != actual.getNodeType()) {
			problems.add(where + " " + path + ": documented " + documented.getNodeType() + ", answered "
					+ actual.getNodeType() + " (" + actual + ")");
			return;
		}
		if (documented.isObject()) {
			TreeSet<String> documentedNames = new TreeSet<>(documented.propertyNames());
			TreeSet<String> actualNames = new TreeSet<>(actual.propertyNames());
			if (!documentedNames.equals(actualNames)) {
				problems.add(where + " " + path + ": documented fields " + documentedNames + ", answered " + actualNames);
				return;
			}
			for (String name : documentedNames) {
				compareShape(where, path + "/" + name, documented.get(name), actual.get(name), problems);
			}
		}
		else if (documented.isArray() && !documented.isEmpty() && !actual.isEmpty()) {
			compareShape(where, path + "/0", documented.get(0), actual.get(0), problems);
		}
	}

	private HttpResponse<String> send(String request, String body, String user) throws IOException, InterruptedException {
		String[] parts = request.split(" ", 2);
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + parts[1]))
			.method(parts[0], (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			builder.header("Content-Type", "application/json");
		}
		if (user != null) {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + PASSWORDS.get(user)).getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static List<Example> examples(Path doc) throws IOException {
		List<String> lines = Files.readAllLines(doc);
		List<Example> examples = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			Matcher marker = MARKER.matcher(lines.get(i));
			if (!marker.find()) {
				continue;
			}
			Map<String, String> attributes = new LinkedHashMap<>();
			Matcher attribute = ATTRIBUTE.matcher(marker.group(1));
			while (attribute.find()) {
				attributes.put(attribute.group(1), attribute.group(2));
			}
			assertThat(lines.get(i + 1)).as("%s:%d: the marked block", doc, i + 2).isEqualTo("```json");
			StringBuilder block = new StringBuilder();
			int j = i + 2;
			while (!lines.get(j).equals("```")) {
				block.append(lines.get(j++)).append('\n');
			}
			examples.add(new Example(doc.getFileName() + ":" + (i + 1), attributes, block.toString()));
		}
		return examples;
	}

	private record Example(String where, Map<String, String> attributes, String json) {

		String attribute(String name) {
			return this.attributes.getOrDefault(name, "");
		}

	}

}
