package dev.safemap.autoconfigure.compensation;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.safemap.autoconfigure.compensation.CompensableIntegrationTests.Downstream;
import dev.safemap.autoconfigure.compensation.CompensableIntegrationTests.InventoryClient;
import dev.safemap.autoconfigure.compensation.CompensableIntegrationTests.InventoryConfiguration;
import dev.safemap.autoconfigure.compensation.CompensableIntegrationTests.Order;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replay worker follows the application context's lifecycle: a context stopped and started again (Spring
 * Framework 7 pauses cached test contexts this way; {@code ConfigurableApplicationContext.stop()/start()} does it
 * too) gets its worker back; only closing the context ends the registry.
 */
class CompensationWorkerLifecycleTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
					CompensationAutoConfiguration.class))
			.withUserConfiguration(InventoryConfiguration.class)
			.withPropertyValues("safemap.compensation.store.directory=" + this.directory,
					"safemap.compensation.poll-interval=1h", "safemap.compensation.backoff.initial-interval=1ms",
					"safemap.compensation.backoff.randomization-factor=0");
	}

	@Test
	void contextStoppedAndStartedAgainReplaysWithItsWorker() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Downstream downstream = context.getBean(Downstream.class);
			CompensationRegistry registry = context.getBean(CompensationRegistry.class);
			Set<Thread> before = workers();

			context.stop();
			assertThat(workers()).as("worker threads left running while the context is stopped")
				.isSubsetOf(before);
			downstream.up = false;
			context.getBean(InventoryClient.class).reserve(new Order("order-1", "sku-1", 1));
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 1L);
			downstream.up = true;

			// poll interval 1h, and nobody calls replayDue(): only the restarted worker's first pass can replay it
			context.start();
			await().atMost(30, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(downstream.appliedKeys()).containsExactly("order-1"));
			assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 1L);
		});
	}

	@Test
	void workerStopsAndStartsAgainAsOftenAsTheContextDoes() {
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			Downstream downstream = context.getBean(Downstream.class);
			for (int round = 0; round < 3; round++) {
				// the test's breaker opens at 2 failures in 4 calls (for an hour): each round starts it afresh
				context.getBean(CircuitBreakerRegistry.class).circuitBreaker("inventory").reset();
				context.stop();
				downstream.up = false;
				context.getBean(InventoryClient.class).reserve(new Order("order-" + round, "sku-" + round, 1));
				downstream.up = true;
				context.start();
				String key = "order-" + round;
				await().atMost(30, TimeUnit.SECONDS)
					.untilAsserted(() -> assertThat(downstream.appliedKeys()).contains(key));
			}
			assertThat(downstream.appliedKeys()).containsExactly("order-0", "order-1", "order-2");
		});
	}

	@Test
	void noWorkerThreadSurvivesCloseAfterAStopAndStart() {
		Set<Thread> before = workers();
		Set<Thread> started = new HashSet<>();
		runner().run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			context.stop();
			context.start();
			await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
				Set<Thread> now = workers();
				now.removeAll(before);
				assertThat(now).isNotEmpty();
				started.addAll(now);
			});
		});
		assertThat(started).noneMatch(Thread::isAlive);
	}

	private static Set<Thread> workers() {
		Set<Thread> workers = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("safemap-compensation") && thread.isAlive()) {
				workers.add(thread);
			}
		}
		return workers;
	}

}
