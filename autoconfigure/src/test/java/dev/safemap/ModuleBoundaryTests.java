package dev.safemap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application and the benchmarks use SafeMap as an application does: through the library's API
 * and its auto-configuration as a whole, never through a type of {@code dev.safemap.autoconfigure}. They are other
 * Maven modules, built after this one, so their sources are read (a reference in code needs an import or a
 * qualified name, both of which this finds).
 */
class ModuleBoundaryTests {

	private static final Pattern AUTOCONFIGURE_TYPE = Pattern.compile("\\bdev\\.safemap\\.autoconfigure\\.");

	@Test
	void applicationsAndBenchmarksUseNoAutoConfigurationType() throws IOException {
		List<Path> sources = javaSources(Path.of("../example-app/src"), Path.of("../benchmarks/src"),
				Path.of("../starter-tests/src"), Path.of("../test-sample/src"));
		assertThat(sources).as("sources of the example app, the benchmarks and the sample applications")
			.hasSizeGreaterThan(10);
		List<String> offending = sources.stream().filter((source) -> AUTOCONFIGURE_TYPE.matcher(read(source)).find())
			.map(Path::toString)
			.toList();
		assertThat(offending).isEmpty();
	}

	@Test
	void theCheckFindsAQualifiedAutoConfigurationReference() {
		assertThat(AUTOCONFIGURE_TYPE.matcher("import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;").find())
			.isTrue();
		assertThat(AUTOCONFIGURE_TYPE.matcher("import dev.safemap.breaker.FallbackCaches;").find()).isFalse();
	}

	private static List<Path> javaSources(Path... roots) throws IOException {
		List<Path> sources = new java.util.ArrayList<>();
		for (Path root : roots) {
			assertThat(root).isDirectory();
			try (Stream<Path> files = Files.walk(root)) {
				files.filter((file) -> file.toString().endsWith(".java")).forEach(sources::add);
			}
		}
		return sources;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
