package dev.safemap.test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.safemap.guard.CallSite;
import dev.safemap.guard.RaceReport;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.Environment;

/** The effective settings of a race check: annotation attributes, then {@code safemap.test.*} properties. */
record RaceCheckSettings(SafeMapRaceCheck.Mode mode, List<String> allowMaps, List<String> allowSites,
		boolean strictFields, Path reportsDir) {

	static final String MODE_PROPERTY = "safemap.test.race-check";

	static final String ALLOW_MAPS_PROPERTY = "safemap.test.allow-maps";

	static final String ALLOW_SITES_PROPERTY = "safemap.test.allow-sites";

	static final String STRICT_FIELDS_PROPERTY = "safemap.test.strict-fields";

	static final String REPORTS_DIR_PROPERTY = "safemap.test.reports-dir";

	/** Finds the annotation on the class, its superclasses and, for {@code @Nested} classes, its enclosing classes. */
	static @Nullable SafeMapRaceCheck findAnnotation(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			MergedAnnotation<SafeMapRaceCheck> annotation = MergedAnnotations
				.from(type, SearchStrategy.TYPE_HIERARCHY)
				.get(SafeMapRaceCheck.class);
			if (annotation.isPresent()) {
				return annotation.synthesize();
			}
		}
		return null;
	}

	/**
	 * The mode the annotation and the environment ask for; OFF when neither asks for a check.
	 * @throws IllegalArgumentException for an unknown property value
	 */
	static SafeMapRaceCheck.Mode mode(@Nullable SafeMapRaceCheck annotation, @Nullable Environment environment) {
		if (annotation != null && annotation.mode() != SafeMapRaceCheck.Mode.DEFAULT) {
			return annotation.mode();
		}
		String value = (environment != null) ? environment.getProperty(MODE_PROPERTY) : null;
		if (value == null || value.isBlank()) {
			return (annotation != null) ? SafeMapRaceCheck.Mode.FAIL : SafeMapRaceCheck.Mode.OFF;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "fail" -> SafeMapRaceCheck.Mode.FAIL;
			case "warn" -> SafeMapRaceCheck.Mode.WARN;
			case "off", "false" -> SafeMapRaceCheck.Mode.OFF;
			default -> throw new IllegalArgumentException(MODE_PROPERTY + " must be fail, warn or off but was '"
					+ value + "'");
		};
	}

	static RaceCheckSettings resolve(@Nullable SafeMapRaceCheck annotation, @Nullable Environment environment) {
		SafeMapRaceCheck.Mode mode = mode(annotation, environment);
		List<String> allowMaps = new ArrayList<>();
		List<String> allowSites = new ArrayList<>();
		boolean strict = annotation == null || annotation.strictFields();
		if (annotation != null) {
			allowMaps.addAll(Arrays.asList(annotation.allowMaps()));
			allowSites.addAll(Arrays.asList(annotation.allowSites()));
		}
		String reportsDir = null;
		if (environment != null) {
			allowMaps.addAll(list(environment.getProperty(ALLOW_MAPS_PROPERTY)));
			allowSites.addAll(list(environment.getProperty(ALLOW_SITES_PROPERTY)));
			strict = strict && environment.getProperty(STRICT_FIELDS_PROPERTY, Boolean.class, true);
			reportsDir = environment.getProperty(REPORTS_DIR_PROPERTY);
		}
		if (reportsDir == null) {
			reportsDir = System.getProperty(REPORTS_DIR_PROPERTY, "target/safemap-reports");
		}
		return new RaceCheckSettings(mode, List.copyOf(allowMaps), List.copyOf(allowSites), strict,
				Paths.get(reportsDir));
	}

	private static List<String> list(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return List.of();
		}
		return Arrays.stream(value.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList();
	}

	/** Whether a report is on the allow-list, by its map or by either of its call sites. */
	boolean allows(RaceReport report) {
		return this.allowMaps.contains(report.mapName()) || allowsSite(report.site())
				|| allowsSite(report.otherSite());
	}

	private boolean allowsSite(CallSite site) {
		String method = site.className() + "." + site.methodName();
		for (String entry : this.allowSites) {
			if (entry.equals(site.className()) || entry.equals(method) || entry.equals(site.toString())) {
				return true;
			}
		}
		return false;
	}

}
