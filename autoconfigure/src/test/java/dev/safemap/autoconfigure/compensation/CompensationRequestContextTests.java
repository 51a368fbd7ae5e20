package dev.safemap.autoconfigure.compensation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.aop.CompensationWorker;
import dev.safemap.autoconfigure.context.ContextAutoConfiguration;
import dev.safemap.context.RequestContext;
import dev.safemap.web.RequestContextFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request context of the caller is stored with the write and is current again during its replay, on the
 * worker thread; nothing of it stays on that thread afterwards.
 */
class CompensationRequestContextTests {

	@TempDir
	Path directory;

	@Test
	void replayRunsInsideTheRequestContextCapturedAtTheCall() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
					CompensationAutoConfiguration.class))
			.withBean(Notifier.class)
			.withPropertyValues("safemap.compensation.store.directory=" + this.directory,
					"safemap.compensation.poll-interval=1h", "safemap.compensation.backoff.initial-interval=50ms")
			.run((context) -> {
				Notifier notifier = context.getBean(Notifier.class);
				notifier.setUp(false);
				RequestContext.runWith(RequestContext.of(Map.of("tenant", "acme", "requestId", "r-42")),
						() -> {
							try {
								notifier.notifyUser("u-1"); // deferred: returns normally
							}
							catch (IOException ex) {
								throw new AssertionError("the failure must not reach the caller", ex);
							}
						});
				assertThat(RequestContext.current().isEmpty()).isTrue();
				CompensationRegistry registry = context.getBean(CompensationRegistry.class);
				assertThat(registry.entries(null, 0, 1)).as("seen %s", notifier.seen()).hasSize(1);
				assertThat(registry.entries(null, 0, 1).get(0).context())
					.containsEntry("tenant", "acme")
					.containsEntry("requestId", "r-42");

				notifier.setUp(true);
				// replayed by a replay thread or by the worker's first pass, which may still be marking the entry
				// done when the replay thread ends: either way not on the caller's thread. On a loaded machine the
				// first pass can come before setUp(true) and reschedule the entry (backoff 50 ms): replay again
				Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					Thread replay = new Thread(registry::replayDue, "replay-thread");
					replay.start();
					replay.join();
					assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 1L);
					List<String> seen = notifier.seen();
					assertThat(seen).hasSizeGreaterThanOrEqualTo(2);
					assertThat(seen.get(0)).isEqualTo("u-1 tenant=acme request=r-42 on main");
					assertThat(seen.subList(1, seen.size())).allSatisfy((line) -> assertThat(line)
						.startsWith("u-1 tenant=acme request=r-42 on ")
						.doesNotEndWith(" on main"));
				});
			});
	}

	@Test
	void replayRebuildsTheContextWithTheConfiguredPolicyNotTheDefaultOne() {
		String longTenant = "t".repeat(600); // over the default 256 characters, within the configured 1000
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
					ContextAutoConfiguration.class, CompensationAutoConfiguration.class))
			.withBean(Notifier.class)
			.withPropertyValues("safemap.compensation.store.directory=" + this.directory,
					"safemap.compensation.poll-interval=1h", "safemap.context.max-value-length=1000",
					"safemap.context.mdc-keys=tenant")
			.run((context) -> {
				context.getBean(CompensationWorker.class).stop(); // only this test replays
				Notifier notifier = context.getBean(Notifier.class);
				RequestContextFactory factory = context.getBean(RequestContextFactory.class);
				notifier.setUp(false);
				RequestContext.runWith(RequestContext.builder(factory.policy()).put("tenant", longTenant).build(),
						() -> {
							try {
								notifier.notifyUser("u-2");
							}
							catch (IOException ex) {
								throw new AssertionError(ex);
							}
						});
				notifier.setUp(true);
				CompensationRegistry registry = context.getBean(CompensationRegistry.class);
				Thread replay = new Thread(registry::replayDue, "replay-thread");
				replay.start();
				replay.join();

				assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 1L);
				assertThat(notifier.tenants()).as("tenant length at the call, then at the replay")
					.containsExactly(600 + " mdc=600", 600 + " mdc=600");
			});
	}

	/** State is read through methods: the bean is a CGLIB proxy whose own fields are unused. */
	public static class Notifier {

		private volatile boolean up = true;

		private final List<String> seen = new CopyOnWriteArrayList<>();

		private final List<String> tenants = new CopyOnWriteArrayList<>();

		public List<String> tenants() {
			return this.tenants;
		}

		public void setUp(boolean up) {
			this.up = up;
		}

		public List<String> seen() {
			return this.seen;
		}

		@Compensable(name = "notifications", key = "#user", on = IOException.class)
		public void notifyUser(String user) throws IOException {
			RequestContext current = RequestContext.current();
			String mdc = org.slf4j.MDC.get("tenant");
			this.tenants.add(current.get("tenant").orElse("").length() + " mdc=" + ((mdc != null) ? mdc.length() : "none"));
			this.seen.add(user + " tenant=" + current.get("tenant").orElse("-") + " request="
					+ current.requestId().orElse("-") + " on " + Thread.currentThread().getName());
			if (!this.up) {
				throw new IOException("down");
			}
		}

	}

}
