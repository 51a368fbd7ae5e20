package dev.safemap.startertests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.safemap.compensation.Compensable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain application with the starter only, no configuration, and a {@code @Compensable} method: a write that
 * fails is stored and replayed (the starter brings what compensation needs: Resilience4j, Spring JDBC, Jackson 3 and
 * the embedded store), in the documented default directory.
 */
class PlainCompensableAppTests {

	@BeforeAll
	static void emptyWorkingDirectory() {
		WorkingDirectory.clear();
	}

	@Test
	void aFailingCompensableWriteIsStoredAndReplayedWithNothingButTheStarter() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlainCompensableApp.class)
			.web(WebApplicationType.NONE)
			.run()) {
			Downstream downstream = context.getBean(Downstream.class);
			StockClient client = context.getBean(StockClient.class);
			CompletableFuture<Void> done = client.reserve("order-1");
			assertThat(done).isNotDone();
			assertThat(downstream.received).isEmpty();
			downstream.failing = false;
			done.get(60, TimeUnit.SECONDS);
			assertThat(downstream.received).containsExactly("order-1");
			assertThat(Files.isDirectory(Path.of(".safemap/compensation"))).isTrue();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlainCompensableApp {

		@Bean
		Downstream downstream() {
			return new Downstream();
		}

		@Bean
		StockClient stockClient(Downstream downstream) {
			return new StockClient(downstream);
		}

	}

	static class Downstream {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile boolean failing = true;

		void accept(String order) {
			if (this.failing) {
				throw new IllegalStateException("downstream unavailable");
			}
			this.received.add(order);
		}

	}

	public static class StockClient {

		private final Downstream downstream;

		StockClient(Downstream downstream) {
			this.downstream = downstream;
		}

		@Compensable(name = "stock", key = "#order", on = IllegalStateException.class)
		public CompletableFuture<Void> reserve(String order) {
			this.downstream.accept(order);
			return CompletableFuture.completedFuture(null);
		}

	}

}
