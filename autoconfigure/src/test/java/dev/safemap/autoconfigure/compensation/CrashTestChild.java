package dev.safemap.autoconfigure.compensation;

import java.time.Duration;
import javax.sql.DataSource;

import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.jdbc.PostgresTestDatabase;
import dev.safemap.web.IdempotencyKeyInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The application killed by {@link CompensationCrashTests}, run in its own JVM:
 * {@code CrashTestChild <enqueue|replay> <count> <stubUrl> <embedded:dir|postgres:table>}. In enqueue mode it
 * writes {@code count} entries through a {@code @Compensable} method while the stub is down and prints
 * {@code ENQUEUED <count>}; in both modes it then keeps replaying until it is killed.
 */
public final class CrashTestChild {

	private CrashTestChild() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		int count = Integer.parseInt(args[1]);
		String stub = args[2];
		String store = args[3];
		SpringApplicationBuilder builder = new SpringApplicationBuilder(ChildConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties("stub.url=" + stub, "safemap.compensation.poll-interval=200ms",
					"safemap.compensation.lease=3s", "safemap.compensation.batch-size=20",
					"safemap.compensation.max-attempts=1000", "safemap.compensation.backoff.initial-interval=100ms",
					"safemap.compensation.backoff.max-interval=500ms", "spring.main.banner-mode=off");
		if (store.startsWith("embedded:")) {
			builder.properties("safemap.compensation.store.type=embedded",
					"safemap.compensation.store.directory=" + store.substring("embedded:".length()));
		}
		else {
			builder.properties("safemap.compensation.store.type=jdbc",
					"safemap.compensation.store.table-name=" + store.substring("postgres:".length()),
					"child.postgres=true");
		}
		ConfigurableApplicationContext context = builder.run();
		if (mode.equals("enqueue")) {
			StockClient client = context.getBean(StockClient.class);
			for (int i = 0; i < count; i++) {
				client.reserve(new Reservation("key-" + i, i));
			}
			System.out.println("ENQUEUED " + count);
		}
		else {
			System.out.println("REPLAYING");
		}
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

	/** The payload. */
	public record Reservation(String key, int amount) {
	}

	/** The compensable write: an HTTP POST to the stub with the Idempotency-Key header. */
	public static class StockClient {

		private final RestClient rest;

		StockClient(RestClient rest) {
			this.rest = rest;
		}

		@Compensable(name = "stock", key = "#reservation.key", on = RestClientException.class)
		public void reserve(Reservation reservation) {
			this.rest.post().uri("/apply").body(reservation.key() + "=" + reservation.amount()).retrieve()
				.toBodilessEntity();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, JacksonAutoConfiguration.class,
			CompensationAutoConfiguration.class })
	static class ChildConfiguration {

		@Bean
		StockClient stockClient(IdempotencyKeyInterceptor interceptor,
				org.springframework.core.env.Environment environment) {
			return new StockClient(RestClient.builder()
				.baseUrl(environment.getRequiredProperty("stub.url"))
				.requestInterceptor(interceptor)
				.build());
		}

		@Bean
		CircuitBreakerRegistry circuitBreakerRegistry() {
			return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
				.slidingWindowSize(10)
				.minimumNumberOfCalls(5)
				.waitDurationInOpenState(Duration.ofMillis(500))
				.automaticTransitionFromOpenToHalfOpenEnabled(true)
				.build());
		}

		@Bean(destroyMethod = "close")
		@Conditional(PostgresCondition.class)
		DataSource dataSource() {
			return PostgresTestDatabase.dataSource(PostgresTestDatabase.user(), 4);
		}

	}

	static class PostgresCondition implements org.springframework.context.annotation.Condition {

		@Override
		public boolean matches(org.springframework.context.annotation.ConditionContext context,
				org.springframework.core.type.AnnotatedTypeMetadata metadata) {
			return context.getEnvironment().getProperty("child.postgres", Boolean.class, false);
		}

	}


}
