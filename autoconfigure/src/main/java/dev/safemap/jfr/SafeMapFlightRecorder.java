package dev.safemap.jfr;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;

import jdk.jfr.Configuration;

/**
 * SafeMap's flight recorder settings, shipped in the jar as {@value #SETTINGS_RESOURCE}: which of
 * SafeMap's events are on and the contended-operation wait threshold. Start a recording with them
 * from code:
 * <pre>{@code
 * try (Recording recording = new Recording(SafeMapFlightRecorder.settingsWith("default"))) {
 *     recording.start();
 *     ...
 *     recording.dump(Path.of("safemap.jfr"));
 * }
 * }</pre>
 * or extract the file from the jar and pass it to {@code -XX:StartFlightRecording:settings=...}
 * (docs/flight-recorder.md). Thread-safety: stateless.
 *
 * @since 0.1.0
 */
public final class SafeMapFlightRecorder {

	/** Where the settings file is on the class path. */
	public static final String SETTINGS_RESOURCE = "dev/safemap/jfr/safemap.jfc";

	private SafeMapFlightRecorder() {
	}

	/**
	 * Reads SafeMap's settings file.
	 * @return the configuration
	 * @throws UncheckedIOException if the file cannot be read
	 * @throws IllegalStateException if it cannot be parsed (a broken jar)
	 */
	public static Configuration configuration() {
		try (InputStream in = SafeMapFlightRecorder.class.getClassLoader().getResourceAsStream(SETTINGS_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(SETTINGS_RESOURCE + " is missing from the class path");
			}
			try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
				return Configuration.create(reader);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + SETTINGS_RESOURCE, ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Cannot parse " + SETTINGS_RESOURCE + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Returns the settings of one of the JDK's configurations ({@code "default"} or {@code "profile"})
	 * with SafeMap's added, for {@code new Recording(Map)}.
	 * @param jdkConfiguration the JDK configuration's name
	 * @return the merged settings, a new mutable map
	 * @throws IllegalArgumentException if the JDK has no configuration of that name
	 */
	public static Map<String, String> settingsWith(String jdkConfiguration) {
		Map<String, String> settings;
		try {
			settings = new HashMap<>(Configuration.getConfiguration(jdkConfiguration).getSettings());
		}
		catch (IOException | ParseException ex) {
			throw new IllegalArgumentException("No JDK flight recorder configuration named '" + jdkConfiguration
					+ "' (accepted: default, profile)", ex);
		}
		settings.putAll(configuration().getSettings());
		return settings;
	}

}
