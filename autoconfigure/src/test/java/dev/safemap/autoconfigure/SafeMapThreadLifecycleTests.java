package dev.safemap.autoconfigure;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.autoconfigure.compensation.CompensationAutoConfiguration;
import dev.safemap.autoconfigure.context.ContextAutoConfiguration;
import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.autoconfigure.hotspots.HotspotsAutoConfiguration;
import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.guard.GuardedMap;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failure catalogue #10: every background worker of every SafeMap feature, running together in one
 * application, stops with the application context. No {@code safemap-*} thread that the context
 * started is alive once {@code close()} has returned.
 */
class SafeMapThreadLifecycleTests {

	@TempDir
	Path directory;

	@Test
	void noSafeMapThreadSurvivesContextClose() {
		// other test classes may keep cached contexts with their own workers open: look only at the threads
		// this context starts
		Set<Thread> before = safeMapThreads();
		Set<Thread> started = new HashSet<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
					GuardedMapAutoConfiguration.class, HotspotsAutoConfiguration.class,
					BreakerAutoConfiguration.class, CompensationAutoConfiguration.class,
					ContextAutoConfiguration.class))
			.withUserConfiguration(SharedMaps.class)
			.withPropertyValues("safemap.compensation.store.directory=" + this.directory,
					"safemap.breaker.caches.quotes.refresh-after=1ms",
					"safemap.breaker.caches.quotes.max-staleness=1h")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// guard + hotspots: the first observed operation starts the hotspots drain thread
				@SuppressWarnings("unchecked")
				GuardedMap<String, Long> hits = context.getBean("hits", GuardedMap.class);
				hits.increment("home");
				// fallback cache: a value older than refresh-after is refreshed on a safemap-breaker thread
				FallbackCache<String, String> quotes = context.getBean(FallbackCaches.class).cache("quotes");
				AtomicInteger downstreamCalls = new AtomicInteger();
				quotes.call("ACME", () -> "v" + downstreamCalls.incrementAndGet());
				Thread.sleep(5);
				quotes.call("ACME", () -> "v" + downstreamCalls.incrementAndGet());
				// compensation: the replay worker runs from startup
				assertThat(context.getBean(CompensationRegistry.class)).isNotNull();

				await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
					Set<Thread> now = safeMapThreads();
					now.removeAll(before);
					started.addAll(now);
					assertThat(started).extracting(Thread::getName)
						.anyMatch((name) -> name.startsWith("safemap-hotspots"))
						.anyMatch((name) -> name.startsWith("safemap-breaker"))
						.anyMatch((name) -> name.startsWith("safemap-compensation"));
				});
			});
		assertThat(started).as("SafeMap threads started by the context").isNotEmpty().noneMatch(Thread::isAlive);
	}

	private static Set<Thread> safeMapThreads() {
		Set<Thread> threads = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("safemap-") && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	@Configuration(proxyBeanMethods = false)
	static class SharedMaps {

		@Bean
		Map<String, Long> hits() {
			return new HashMap<>();
		}

	}

}
