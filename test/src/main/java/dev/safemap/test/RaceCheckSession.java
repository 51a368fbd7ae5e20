package dev.safemap.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.RaceReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.SerializationFeature;

/**
 * One test method under a race check: watches the registry from before the test to after it, then
 * writes the JSON report and gives the verdict. Shared by the JUnit extension and the Spring test
 * execution listener.
 */
final class RaceCheckSession {

	private static final Logger logger = LoggerFactory.getLogger(RaceCheckSession.class);

	/** Detect mode keeps the same kind and site pair of a map at most once per this interval. */
	private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);

	private static final Set<String> writtenFiles = ConcurrentHashMap.newKeySet();

	private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final RaceCheckSettings settings;

	private final RaceWatch watch;

	private RaceCheckSession(RaceCheckSettings settings, RaceWatch watch) {
		this.settings = settings;
		this.watch = watch;
	}

	/**
	 * Starts a session; fails first, in strict mode, when the field finder left map fields it could
	 * not wrap.
	 */
	static RaceCheckSession start(RaceCheckSettings settings, GuardedMapRegistry registry,
			List<String> unguardedFields) {
		if (settings.strictFields() && !unguardedFields.isEmpty()) {
			StringBuilder message = new StringBuilder("SafeMap race check (strict fields): ")
				.append(unguardedFields.size())
				.append(" singleton map field(s) hold a mutable, non-thread-safe map that SafeMap cannot wrap,"
						+ " so races on them would go unseen:");
			unguardedFields.forEach((field) -> message.append("\n  - ").append(field));
			message.append("\nAccept a field (every access synchronized) by adding 'bean.field' to"
					+ " safemap.guard.exclude, or turn this off with @SafeMapRaceCheck(strictFields = false)"
					+ " or safemap.test.strict-fields=false.");
			throw new AssertionError(message.toString());
		}
		return new RaceCheckSession(settings, RaceWatch.start(registry));
	}

	/** Writes the JSON report and fails (FAIL mode) or warns (WARN mode) when races were found. */
	void finish(String testClass, String testMethod) {
		List<RaceReport> reports = this.watch.reports();
		List<RaceReport> failing = new ArrayList<>();
		List<RaceReport> allowed = new ArrayList<>();
		for (RaceReport report : reports) {
			(this.settings.allows(report) ? allowed : failing).add(report);
		}
		List<String> repeats = repeats(reports);
		if (reports.isEmpty() && repeats.isEmpty()) {
			return;
		}
		Path file = write(testClass, testMethod, failing, allowed, repeats);
		if (failing.isEmpty() && repeats.isEmpty()) {
			logger.info("SafeMap race check: {} allowed race report(s) during {}.{} ({})", allowed.size(), testClass,
					testMethod, file);
			return;
		}
		String message = message(failing, allowed, repeats, file);
		if (this.settings.mode() == SafeMapRaceCheck.Mode.FAIL) {
			throw new AssertionError(message);
		}
		logger.warn("{} (test {}.{})", message, testClass, testMethod);
	}

	/**
	 * Races counted without a report of their own: detect mode keeps the same kind and site pair of a
	 * map at most once a second, so a race that repeats an earlier report raises only the count. They
	 * repeat one of the map's reports of the last second; allowed only when all of those are allowed.
	 */
	private List<String> repeats(List<RaceReport> reports) {
		List<String> result = new ArrayList<>();
		GuardedMapRegistry registry = this.watch.registry();
		for (Map.Entry<String, Long> entry : this.watch.raceCounts().entrySet()) {
			String map = entry.getKey();
			long reported = reports.stream().filter((r) -> r.mapName().equals(map)).count();
			long unreported = entry.getValue() - reported;
			if (unreported <= 0) {
				continue;
			}
			List<RaceReport> candidates = registry.recentReports(map)
				.stream()
				.filter((r) -> !r.time().isBefore(this.watch.started().minus(REPORT_INTERVAL)))
				.toList();
			if (!candidates.isEmpty() && candidates.stream().allMatch(this.settings::allows)) {
				continue;
			}
			StringBuilder line = new StringBuilder().append(unreported)
				.append(" more race(s) in map '")
				.append(map)
				.append("' repeating a race reported within the last second (SafeMap keeps one report per kind"
						+ " and pair of call sites per second)");
			List<RaceReport> notAllowed = candidates.stream().filter((r) -> !this.settings.allows(r)).toList();
			if (!notAllowed.isEmpty()) {
				line.append(", one of: ");
				line.append(String.join("; ", notAllowed.stream().map(RaceCheckSession::describe).toList()));
			}
			result.add(line.toString());
		}
		return result;
	}

	private String message(List<RaceReport> failing, List<RaceReport> allowed, List<String> repeats, Path file) {
		StringBuilder message = new StringBuilder("SafeMap race check: ");
		message.append(this.watch.raceCount())
			.append(" race(s) counted in the maps of the application context during this test, ")
			.append(failing.size())
			.append(" reported");
		if (!allowed.isEmpty()) {
			message.append(" (and ").append(allowed.size()).append(" allowed)");
		}
		message.append(':');
		for (RaceReport report : failing) {
			message.append("\n  - ").append(describe(report));
		}
		for (String repeat : repeats) {
			message.append("\n  - ").append(repeat);
		}
		message.append("\nFix the code (one atomic call: merge, compute, putIfAbsent, GuardedMap.increment; or one lock"
				+ " around every access), or accept a known race with @SafeMapRaceCheck(allowMaps = ..., allowSites = ...)"
				+ " or safemap.test.allow-maps / safemap.test.allow-sites. Reports: ")
			.append(file.toAbsolutePath());
		return message.toString();
	}

	static String describe(RaceReport report) {
		return "map '" + report.mapName() + "': " + report.kind() + " by " + report.operation() + " on key "
				+ report.maskedKey() + " at " + report.site() + " [thread " + report.thread() + "], conflicting with "
				+ report.otherSite() + " [thread " + report.otherThread() + "]";
	}

	private Path write(String testClass, String testMethod, List<RaceReport> failing, List<RaceReport> allowed,
			List<String> repeats) {
		try {
			Files.createDirectories(this.settings.reportsDir());
			String base = (testClass + "." + testMethod).replaceAll("[^A-Za-z0-9._$-]", "_");
			String name = base + ".json";
			for (int i = 2; !writtenFiles.add(name); i++) {
				name = base + "-" + i + ".json";
			}
			Path file = this.settings.reportsDir().resolve(name);
			Map<String, Object> document = new LinkedHashMap<>();
			document.put("testClass", testClass);
			document.put("testMethod", testMethod);
			document.put("mode", this.settings.mode().name());
			document.put("started", this.watch.started().toString());
			document.put("raceCounts", this.watch.raceCounts());
			List<Map<String, Object>> list = new ArrayList<>();
			failing.forEach((r) -> list.add(toJson(r, false)));
			allowed.forEach((r) -> list.add(toJson(r, true)));
			document.put("reports", list);
			document.put("repeats", repeats);
			json.writeValue(file.toFile(), document);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the SafeMap race report under " + this.settings.reportsDir(), ex);
		}
	}

	private static Map<String, Object> toJson(RaceReport report, boolean allowed) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("map", report.mapName());
		map.put("kind", report.kind().name());
		map.put("operation", report.operation().name());
		map.put("key", report.maskedKey());
		map.put("site", report.site().toString());
		map.put("thread", report.thread());
		map.put("otherSite", report.otherSite().toString());
		map.put("otherThread", report.otherThread());
		map.put("time", report.time().toString());
		map.put("allowed", allowed);
		return map;
	}


}
