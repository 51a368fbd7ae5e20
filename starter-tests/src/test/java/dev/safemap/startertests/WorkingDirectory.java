package dev.safemap.startertests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's working directory: surefire starts each application of this module in its own directory under
 * {@code target/apps}, where the tests check which files the application wrote.
 */
final class WorkingDirectory {

	private WorkingDirectory() {
	}

	static Path path() {
		return Path.of("").toAbsolutePath();
	}

	/** Empties the working directory (left over from an earlier build); refuses any other directory. */
	static void clear() {
		Path directory = path();
		assertThat(directory.getParent().getFileName()).as("working directory %s", directory).hasToString("apps");
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).filter((file) -> !file.equals(directory)).forEach((file) -> {
				try {
					Files.delete(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Every file and directory under the working directory, relative to it. */
	static List<String> files() {
		Path directory = path();
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter((file) -> !file.equals(directory)).map((file) -> directory.relativize(file).toString())
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
