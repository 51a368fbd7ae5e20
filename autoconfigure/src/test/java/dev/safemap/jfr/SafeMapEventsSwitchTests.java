package dev.safemap.jfr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.safemap.support.KeyMasker;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@value SafeMapEvents#HOOKS_PROPERTY} switch. It is read once per JVM into a constant, so each case runs
 * {@link Program} in a JVM of its own: a recording that enables every SafeMap event (contended waits from 0 ns)
 * while each of the seven calls is made once. Without the switch, or with a value it does not understand, the
 * recording has all seven events (the control: the same program can fail the switched-off case); with
 * {@code false}, none, and the JVM says so once.
 */
class SafeMapEventsSwitchTests {

	@TempDir
	Path dir;

	@Test
	void withoutTheSwitchEveryCallIsRecorded() throws Exception {
		Run run = run(null);
		assertThat(run.output).contains("hooksEnabled=true");
		assertThat(run.safemapEvents).hasSize(7);
	}

	@Test
	void switchedOffNoSafeMapEventIsRecordedAndTheJvmSaysSo() throws Exception {
		Run run = run("false");
		assertThat(run.output).contains("hooksEnabled=false")
			.contains("SafeMap's flight recorder events are off in this JVM (-Ddev.safemap.jfr.events=false)");
		assertThat(run.safemapEvents).isEmpty();
		// the JDK's own events of the same recording are there: the recording itself worked
		assertThat(run.allEvents).isGreaterThan(0);
	}

	@Test
	void anUnreadableValueKeepsTheEventsAndIsLogged() throws Exception {
		Run run = run("nope");
		assertThat(run.output).contains("hooksEnabled=true")
			.contains("Ignoring -Ddev.safemap.jfr.events='nope' (use true or false)");
		assertThat(run.safemapEvents).hasSize(7);
	}

	@Test
	void theSwitchReadsTrueAndFalseInAnyCase() {
		assertThat(SafeMapEvents.hooks(null)).isTrue();
		assertThat(SafeMapEvents.hooks("true")).isTrue();
		assertThat(SafeMapEvents.hooks(" FALSE ")).isFalse();
		assertThat(SafeMapEvents.hooks("False")).isFalse();
		assertThat(SafeMapEvents.hooks("0")).isTrue();
		// this JVM was started without the switch
		assertThat(SafeMapEvents.hooksEnabled()).isTrue();
	}

	private Run run(String value) throws Exception {
		Path file = this.dir.resolve("run-" + value + ".jfr");
		Path log = this.dir.resolve("run-" + value + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		if (value != null) {
			command.add("-D" + SafeMapEvents.HOOKS_PROPERTY + "=" + value);
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Program.class.getName(), file.toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the program finished").isTrue();
		String output = Files.readString(log);
		assertThat(process.exitValue()).as(output).isZero();
		var events = RecordingFile.readAllEvents(file);
		return new Run(output, events.stream()
			.map((event) -> event.getEventType().getName())
			.filter((name) -> name.startsWith("dev.safemap."))
			.distinct()
			.toList(), events.size());
	}

	private record Run(String output, List<String> safemapEvents, int allEvents) {
	}

	/** Makes each of SafeMapEvents' seven calls once under a recording that enables them all. */
	static final class Program {

		public static void main(String[] args) throws Exception {
			KeyMasker masker = KeyMasker.withSecret("switch-test-secret-0123456789");
			try (Recording recording = new Recording(SafeMapFlightRecorder.settingsWith("default"))) {
				recording.enable(SafeMapEvents.CONTENDED).with("waitThreshold", "0 ns");
				recording.start();
				SafeMapEvents.contended("m", "PUT", "k", masker, false, 5_000_000, () -> "Site.method:1");
				SafeMapEvents.race("m", "DETECT", "LOST_UPDATE", "PUT", masker.mask("k"), "A.a:1", "B.b:2", "t");
				SafeMapEvents.fallbackServed("c", "k", masker, false, 10, null);
				SafeMapEvents.breakerTransition("c", "CLOSED", "OPEN");
				SafeMapEvents.compensationQueued("1", "t", "k", masker, true);
				SafeMapEvents.compensationReplayed("1", "t", "k", masker, 0, Duration.ofMillis(5));
				SafeMapEvents.compensationDead("2", "t", "k", masker, 3, "gave up");
				recording.stop();
				recording.dump(Path.of(args[0]));
			}
			System.out.println("hooksEnabled=" + SafeMapEvents.hooksEnabled());
		}

	}

}
