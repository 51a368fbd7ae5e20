package dev.safemap.example.jfr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import dev.safemap.jfr.SafeMapEvents;
import dev.safemap.jfr.SafeMapFlightRecorder;
import dev.safemap.support.KeyMasker;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19: the example application, run as users run it (the repackaged jar, in a child JVM started with
 * {@code -XX:StartFlightRecording:settings=default,settings=safemap.jfc}, the settings file taken from the jar), is
 * driven through its own HTTP demos until each of SafeMap's seven event types has happened: the hotspots load
 * (contended writes on {@code carts}), the race demo (a detect-mode lost update on {@code settings}), the price demo
 * with a failing downstream (breaker transition, fallbacks), and an order placed while the stock downstream is
 * down (queued, dead-lettered after {@code max-attempts=2}, redriven through the {@code compensations} endpoint and
 * replayed). The application is then stopped (SIGTERM) and the recording it leaves on exit is read with
 * {@link RecordingFile}: every type is there, with the map or cache name, keys masked with the configured secret
 * (never the raw key) and the call sites the contended and race events promise.
 * <p>
 * Nothing here depends on speed: each step polls for its outcome with generous bounds, and the only step whose
 * outcome is timing-dependent (a contended write waits at least the shipped 1 ms threshold) is repeated until the
 * child's live flight recorder repository ({@link EventStream#openRepository}) shows one. The verdict comes from
 * the recording file only. Runs in failsafe (it needs the packaged jar): {@code ./mvnw verify}.
 */
@Tag("packaged-jar")
class FlightRecordingTests {

	private static final String SECRET = "flight-recording-test-secret-0123";

	private static final String HOT_USER = "alice@example.com";

	private static final String CHECKOUT_USER = "bob@example.com";

	private static final List<String> TYPES = List.of(SafeMapEvents.CONTENDED, SafeMapEvents.RACE,
			SafeMapEvents.FALLBACK, SafeMapEvents.BREAKER, SafeMapEvents.COMPENSATION_QUEUED,
			SafeMapEvents.COMPENSATION_REPLAYED, SafeMapEvents.COMPENSATION_DEAD);

	private static final Pattern MASK = Pattern.compile("#[0-9a-f]{10}");

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final KeyMasker masker = KeyMasker.withSecret(SECRET);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	/** Event types the live stream has seen: only used to know when to go on, never for the verdict. */
	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	private Path log;

	private int port;

	@Test
	void theExampleAppRecordedUnderLoadHasEverySafeMapEventTypeWithMaskedKeysAndCallSites() throws Exception {
		Path jar = Path.of(System.getProperty("example.jar", "target/safemap-example-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).as("the repackaged example jar (this test runs in failsafe, after package)").exists();
		Path dir = Path.of("target", "jfr-recording");
		deleteRecursively(dir);
		Files.createDirectories(dir);
		Path settings = dir.resolve("safemap.jfc");
		Files.write(settings, settingsFromTheJar(jar));
		Path recording = dir.resolve("example-app.jfr");
		Path repository = dir.resolve("repository");
		Files.createDirectories(repository);
		this.log = dir.resolve("example-app.log");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:StartFlightRecording:name=safemap,settings=default,settings=" + settings.toAbsolutePath()
						+ ",filename=" + recording.toAbsolutePath() + ",dumponexit=true",
				"-XX:FlightRecorderOptions:repository=" + repository.toAbsolutePath(), "-jar",
				jar.toAbsolutePath().toString(), "--server.port=0", "--safemap.masking.secret=" + SECRET,
				"--safemap.compensation.store.directory=" + dir.resolve("compensation").toAbsolutePath(),
				"--safemap.compensation.max-attempts=2", "--safemap.compensation.poll-interval=200ms",
				"--safemap.compensation.backoff.initial-interval=100ms",
				"--safemap.compensation.backoff.max-interval=500ms",
				"--resilience4j.circuitbreaker.instances.stock.wait-duration-in-open-state=300ms",
				// once open, the prices breaker stays open for the rest of the run, however slow the requests
				"--resilience4j.circuitbreaker.instances.prices.wait-duration-in-open-state=10m",
				// a cold server on a loaded machine can take seconds to answer its own downstream
				"--example.breaker.read-timeout=15s");
		Process app = new ProcessBuilder(command).directory(dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
		EventStream stream = null;
		String orderId;
		try {
			this.port = awaitPort(app);
			stream = liveStream(repository);
			contention();
			race();
			fallbackAndBreaker();
			orderId = compensation();
			// the events are flushed to the repository about once a second: wait for them (a type still missing
			// after a minute is left to the verdict below, which reads the recording file), then stop
			poll(null, Duration.ofSeconds(60), () -> this.seen.containsAll(TYPES));
		}
		finally {
			if (stream != null) {
				stream.close();
			}
			stop(app);
		}
		assertThat(recording).as("the recording written on exit; app log: %s", this.log).exists();

		List<RecordedEvent> events = RecordingFile.readAllEvents(recording)
			.stream()
			.filter((event) -> event.getEventType().getName().startsWith("dev.safemap."))
			.toList();
		assertThat(events.stream().map((event) -> event.getEventType().getName()).collect(Collectors.toSet()))
			.as("SafeMap event types in %s", recording)
			.containsAll(TYPES);

		// every key is a mask, and no string field of any SafeMap event holds a raw key of this run
		for (RecordedEvent event : events) {
			if (event.hasField("key")) {
				assertThat(event.getString("key")).as(event.getEventType().getName()).matches(MASK);
			}
			for (ValueDescriptor field : event.getFields()) {
				if (field.getTypeName().equals("java.lang.String")) {
					assertThat(String.valueOf(event.getString(field.getName())))
						.as("%s.%s", event.getEventType().getName(), field.getName())
						.doesNotContain(HOT_USER, CHECKOUT_USER, orderId);
				}
			}
		}

		List<RecordedEvent> contended = ofType(events, SafeMapEvents.CONTENDED);
		assertThat(contended).allSatisfy((event) -> {
			assertThat(event.getString("map")).isEqualTo("carts");
			assertThat(event.getString("operation")).isIn("COMPUTE", "COMPUTE_IF_PRESENT");
			assertThat(event.getString("key")).isIn(this.masker.mask(HOT_USER), this.masker.mask(CHECKOUT_USER));
			assertThat(event.getString("callSite")).startsWith("dev.safemap.example.hotspots.CartService.");
			// the shipped threshold: shorter waits are not recorded
			assertThat(event.getDuration("waitNanos")).isGreaterThanOrEqualTo(Duration.ofMillis(1));
		});

		RecordedEvent race = only(events, SafeMapEvents.RACE);
		assertThat(race.getString("map")).isEqualTo("settings");
		assertThat(race.getString("mode")).isEqualTo("DETECT");
		assertThat(race.getString("kind")).isEqualTo("LOST_UPDATE");
		assertThat(race.getString("operation")).isEqualTo("PUT");
		assertThat(race.getString("key")).isEqualTo(this.masker.mask("theme"));
		assertThat(race.getString("callSite")).startsWith("dev.safemap.example.guard.GuardDemoController.lambda$raceDemo");
		assertThat(race.getString("otherCallSite"))
			.startsWith("dev.safemap.example.guard.GuardDemoController.lambda$raceDemo");
		assertThat(race.getString("otherThread")).isEqualTo("race-demo-writer");

		List<RecordedEvent> fallbacks = ofType(events, SafeMapEvents.FALLBACK);
		assertThat(fallbacks).allSatisfy((event) -> {
			assertThat(event.getString("cache")).isEqualTo("prices");
			assertThat(event.getString("key")).isEqualTo(this.masker.mask("DEMO"));
		});
		assertThat(fallbacks).extracting((event) -> event.getString("reason")).contains("circuit breaker open");
		assertThat(ofType(events, SafeMapEvents.BREAKER))
			.extracting((event) -> event.getString("breaker") + ":" + event.getString("from") + "->"
					+ event.getString("to"))
			.contains("prices:CLOSED->OPEN");

		// one order: queued, dead after its two attempts, redriven and replayed, under one id and one masked key
		RecordedEvent queued = only(events, SafeMapEvents.COMPENSATION_QUEUED);
		RecordedEvent dead = only(events, SafeMapEvents.COMPENSATION_DEAD);
		RecordedEvent replayed = only(events, SafeMapEvents.COMPENSATION_REPLAYED);
		assertThat(queued.getBoolean("created")).isTrue();
		assertThat(queued.getString("target")).startsWith("stockClient#reserve");
		assertThat(queued.getString("key")).isEqualTo(this.masker.mask(orderId));
		for (RecordedEvent event : List.of(dead, replayed)) {
			assertThat(event.getString("id")).isEqualTo(queued.getString("id"));
			assertThat(event.getString("target")).isEqualTo(queued.getString("target"));
			assertThat(event.getString("key")).isEqualTo(queued.getString("key"));
		}
		assertThat(dead.getInt("attempts")).isEqualTo(2);
		assertThat(dead.getString("reason")).isNotBlank();
		assertThat(queued.getStartTime()).isBefore(dead.getStartTime());
		assertThat(dead.getStartTime()).isBefore(replayed.getStartTime());
	}

	/** The hotspots demo until a contended write waited at least the threshold (usually the first round). */
	private void contention() throws Exception {
		Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
		int rounds = 0;
		while (!this.seen.contains(SafeMapEvents.CONTENDED) && Instant.now().isBefore(deadline)) {
			HttpResponse<String> load = send("POST", "/hotspots/load?threads=8&operations=3000", null, null);
			assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
			rounds++;
			// give the repository's once-a-second flush a chance before loading again
			poll(null, Duration.ofSeconds(3), () -> this.seen.contains(SafeMapEvents.CONTENDED));
		}
		System.out.println("hotspots load rounds until a contended operation was recorded: " + rounds);
	}

	private void race() throws Exception {
		HttpResponse<String> race = send("POST", "/guard/race-demo", null, null);
		assertThat(race.statusCode()).as(race.body()).isEqualTo(200);
		JsonNode answer = this.json.readTree(race.body());
		assertThat(answer.get("detected").asLong()).as(race.body()).isEqualTo(1);
		assertThat(answer.get("reports").size()).as(race.body()).isEqualTo(1);
	}

	private void fallbackAndBreaker() throws Exception {
		assertThat(priceSource()).isEqualTo("fresh");
		send("POST", "/downstream/mode?m=failing", null, null);
		String source = null;
		for (int i = 0; i < 8; i++) {
			source = priceSource();
			assertThat(source).startsWith("fallback_");
		}
		assertThat(source).isEqualTo("fallback_circuit_open");
		send("POST", "/downstream/mode?m=healthy", null, null);
	}

	private String priceSource() throws Exception {
		HttpResponse<String> price = send("GET", "/prices/DEMO", null, null);
		assertThat(price.statusCode()).as(price.body()).isEqualTo(200);
		return this.json.readTree(price.body()).get("source").asString();
	}

	/** Queued while the downstream is down, dead after two attempts, redriven once it is up, replayed. */
	private String compensation() throws Exception {
		send("POST", "/demo/compensation/downstream/mode?up=false", null, null);
		HttpResponse<String> placed = send("POST", "/demo/compensation/orders?sku=apple&quantity=2", null, null);
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
		String orderId = this.json.readTree(placed.body()).get("orderId").asString();
		poll("the reservation dead-lettered", Duration.ofMinutes(2),
				() -> count("/actuator/compensations", "/counts/dead") == 1);
		send("POST", "/demo/compensation/downstream/mode?up=true", null, null);
		HttpResponse<String> redrive = send("POST", "/actuator/compensations", "{\"action\":\"retry-dead\"}",
				"operator");
		assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);
		poll("the reservation replayed", Duration.ofMinutes(2),
				() -> count("/demo/compensation/downstream", "/appliedReservations") == 1);
		return orderId;
	}

	private long count(String path, String pointer) {
		try {
			HttpResponse<String> response = send("GET", path, null, "viewer");
			return (response.statusCode() == 200) ? this.json.readTree(response.body()).at(pointer).asLong(-1) : -1;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<String> send(String method, String path, String body, String user) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(120))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (user != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + user + "-demo").getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The port from the application's log ({@code server.port=0}). */
	private int awaitPort(Process app) throws Exception {
		int[] found = { -1 };
		poll("the example application's start (log: " + this.log + ")", Duration.ofMinutes(5), () -> {
			if (!app.isAlive()) {
				// 143: a SIGTERM from outside (the recording's jdk.Shutdown event names the signal handler)
				throw new AssertionError("the application exited with " + app.exitValue() + ": " + tail());
			}
			Matcher matcher = PORT.matcher(read(this.log));
			if (matcher.find()) {
				found[0] = Integer.parseInt(matcher.group(1));
			}
			return found[0] > 0;
		});
		return found[0];
	}

	/**
	 * Follows the child's disk repository (JFR makes a directory per process in it) from its first chunk, noting
	 * which SafeMap event types were flushed.
	 */
	private EventStream liveStream(Path repository) throws Exception {
		Path[] chunks = new Path[1];
		poll("the child's flight recorder repository", Duration.ofMinutes(1), () -> {
			try (Stream<Path> dirs = Files.list(repository)) {
				Optional<Path> dir = dirs.filter(Files::isDirectory).findFirst();
				dir.ifPresent((path) -> chunks[0] = path);
				return dir.isPresent();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		EventStream stream = EventStream.openRepository(chunks[0]);
		stream.setStartTime(Instant.EPOCH);
		for (String type : TYPES) {
			stream.onEvent(type, (event) -> this.seen.add(type));
		}
		stream.startAsync();
		return stream;
	}

	/** SIGTERM, as a service manager stops it: Spring closes, then the JVM writes the recording. */
	private void stop(Process app) throws InterruptedException {
		app.destroy();
		if (!app.waitFor(3, TimeUnit.MINUTES)) {
			app.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
			throw new AssertionError("the example application did not stop within 3 minutes: " + tail());
		}
	}

	/** safemap.jfc from the autoconfigure jar nested in the example jar, as docs/flight-recorder.md extracts it. */
	private static byte[] settingsFromTheJar(Path jar) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			ZipEntry nested = zip.stream()
				.filter((entry) -> entry.getName().matches("BOOT-INF/lib/safemap-spring-boot-autoconfigure-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no safemap-spring-boot-autoconfigure jar in " + jar));
			try (ZipInputStream in = new ZipInputStream(zip.getInputStream(nested))) {
				for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
					if (entry.getName().equals(SafeMapFlightRecorder.SETTINGS_RESOURCE)) {
						return readAll(in);
					}
				}
			}
		}
		throw new AssertionError(SafeMapFlightRecorder.SETTINGS_RESOURCE + " is missing from " + jar);
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		in.transferTo(out);
		return out.toByteArray();
	}

	private static void poll(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + bound.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				if (what != null) {
					throw new AssertionError("not within " + bound + ": " + what);
				}
				return;
			}
			Thread.sleep(100);
		}
	}

	private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
		List<RecordedEvent> matching = events.stream().filter((e) -> e.getEventType().getName().equals(type)).toList();
		assertThat(matching).as(type).isNotEmpty();
		return matching;
	}

	private static RecordedEvent only(List<RecordedEvent> events, String type) {
		List<RecordedEvent> matching = ofType(events, type);
		assertThat(matching).as(type).hasSize(1);
		return matching.get(0);
	}

	private String tail() {
		String text = read(this.log);
		return text.substring(Math.max(0, text.length() - 4000));
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file) : "";
		}
		catch (IOException ex) {
			// not valid UTF-8 (yet): read again on the next poll
			return "";
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
				Files.delete(path);
			}
		}
	}

}
