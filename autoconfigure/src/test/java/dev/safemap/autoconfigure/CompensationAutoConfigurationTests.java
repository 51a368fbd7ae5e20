package dev.safemap.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

import dev.safemap.actuate.compensation.CompensationHealthIndicator;
import dev.safemap.actuate.compensation.CompensationMetrics;
import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.aop.CompensableMethodInterceptor;
import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.autoconfigure.compensation.CompensationAutoConfiguration;
import dev.safemap.autoconfigure.compensation.CompensationsEndpointAutoConfiguration;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.CompensationTemplate;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.InvalidSafeMapPropertyFailureAnalyzer;
import dev.safemap.web.IdempotencyKeyExchangeFilter;
import dev.safemap.web.IdempotencyKeyInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class CompensationAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JacksonAutoConfiguration.class,
					CompensationAutoConfiguration.class, CompensationsEndpointAutoConfiguration.class))
			.withPropertyValues("safemap.compensation.store.directory=" + this.directory);
	}

	@Test
	void defaultsToTheEmbeddedStoreAndWiresTheInterceptor() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(CompensationRegistry.class)
				.hasSingleBean(JdbcCompensationStore.class)
				.hasSingleBean(CompensableMethodInterceptor.class)
				.hasSingleBean(DefaultPointcutAdvisor.class)
				.hasSingleBean(CompensationTemplate.class)
				.hasSingleBean(IdempotencyKeyInterceptor.class)
				.hasSingleBean(IdempotencyKeyExchangeFilter.class);
			JdbcCompensationStore store = context.getBean(JdbcCompensationStore.class);
			assertThat(store.isPostgreSql()).isFalse();
			assertThat(Files.exists(this.directory.resolve("compensation.mv.db"))).isTrue();
		});
	}

	@Test
	void autoKeepsTheQueueOnDiskWhenTheApplicationDataSourceIsInMemory() {
		runner().withUserConfiguration(DataSourceConfiguration.class).run((context) -> {
			JdbcCompensationStore store = context.getBean(JdbcCompensationStore.class);
			assertThat(store.getDataSource()).isNotSameAs(context.getBean(DataSource.class));
			assertThat(Files.exists(this.directory.resolve("compensation.mv.db"))).isTrue();
		});
	}

	@Test
	void metricsAndHealthAreOnAndTheEndpointOnlyWhenExposed() {
		runner().run((context) -> assertThat(context).hasSingleBean(CompensationMetrics.class)
			.hasSingleBean(CompensationHealthIndicator.class)
			.doesNotHaveBean(CompensationsEndpoint.class));
		runner().withPropertyValues("management.endpoints.web.exposure.include=compensations")
			.run((context) -> assertThat(context).hasSingleBean(CompensationsEndpoint.class));
		runner().withPropertyValues("management.health.compensations.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CompensationHealthIndicator.class));
	}

	@Test
	void exposedEndpointBacksOffWhenCompensationsAreDisabled() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=compensations",
				"safemap.compensation.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CompensationsEndpoint.class));
	}

	@Test
	void compensationsAndFallbackCachesShareOneCircuitBreakerRegistryWithoutResilience4jStarter() {
		runner().withConfiguration(AutoConfigurations.of(BreakerAutoConfiguration.class)).run((context) -> {
			assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			assertThat(context.getBean(FallbackCaches.class).cache("inventory").circuitBreaker())
				.isSameAs(registry.circuitBreaker("inventory"));
		});
		runner().run((context) -> assertThat(context).hasSingleBean(CircuitBreakerRegistry.class));
	}

	@Test
	void backoffMaxIntervalBelowTheInitialIntervalFailsStartupWithTheCoreReason() {
		runner().withPropertyValues("safemap.compensation.backoff.initial-interval=10s",
				"safemap.compensation.backoff.max-interval=5s")
			.run((context) -> {
				InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.compensation.backoff.max-interval");
				assertThat(ex.getValue()).isEqualTo(java.time.Duration.ofSeconds(5));
				assertThat(ex.getReason()).contains("maxInterval").contains("PT10S").contains("PT5S");
				assertThat(ex.getCause()).isInstanceOf(IllegalArgumentException.class);
			});
	}

	@Test
	void batchSizeAboveTheLimitFailsStartupNamingThePropertyAndValue() {
		runner().withPropertyValues("safemap.compensation.batch-size=10001").run((context) -> {
			InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.compensation.batch-size");
			assertThat(ex.getValue()).isEqualTo(10001);
			assertThat(ex.getReason()).contains("10000").contains("10001");
			FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment()).analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("safemap.compensation.batch-size").contains("10001");
			assertThat(analysis.getAction()).contains("safemap.compensation.batch-size");
		});
	}

	@Test
	void replayThreadsOutOfRangeFailStartupNamingThePropertyAndValue() {
		for (String value : new String[] { "0", "65" }) {
			runner().withPropertyValues("safemap.compensation.replay-threads=" + value).run((context) -> {
				InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.compensation.replay-threads");
				assertThat(ex.getValue()).isEqualTo(Integer.parseInt(value));
				assertThat(ex.getReason()).contains("between 1 and 64").contains(value);
				FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(
						new org.springframework.core.env.StandardEnvironment())
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("safemap.compensation.replay-threads").contains(value);
				assertThat(analysis.getAction()).contains("safemap.compensation.replay-threads");
			});
		}
	}

	@Test
	void usesTheApplicationDataSourceWhenConfigured() {
		runner().withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("safemap.compensation.store.type=jdbc")
			.run((context) -> {
			JdbcCompensationStore store = context.getBean(JdbcCompensationStore.class);
			assertThat(store.getDataSource()).isSameAs(context.getBean(DataSource.class));
			assertThat(Files.exists(this.directory.resolve("compensation.mv.db"))).isFalse();
			});
	}

	@Test
	void initializeSchemaTakesBootsDatabaseInitializationMode() {
		ApplicationContextRunner jdbc = runner().withUserConfiguration(DataSourceConfiguration.class)
			.withPropertyValues("safemap.compensation.store.type=jdbc");
		jdbc.run((context) -> assertThat(tableExists(context.getBean(DataSource.class))).as("always, the default")
			.isTrue());
		jdbc.withPropertyValues("safemap.compensation.store.initialize-schema=never")
			.run((context) -> assertThat(tableExists(context.getBean(DataSource.class))).isFalse());
		jdbc.withPropertyValues("safemap.compensation.store.initialize-schema=embedded")
			.run((context) -> assertThat(tableExists(context.getBean(DataSource.class))).as("in-memory").isTrue());
		// embedded leaves a database that is not in memory alone
		runner().withBean("dataSource", DataSource.class,
				() -> new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:file:" + this.directory.resolve("app")))
			.withPropertyValues("safemap.compensation.store.type=jdbc",
					"safemap.compensation.store.initialize-schema=embedded")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tableExists(context.getBean(DataSource.class))).isFalse();
			});
		// the boolean of earlier versions fails with Boot's report of the accepted values
		jdbc.withPropertyValues("safemap.compensation.store.initialize-schema=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("true"));
	}

	private static boolean tableExists(DataSource dataSource) {
		Integer count = new org.springframework.jdbc.core.JdbcTemplate(dataSource).queryForObject(
				"select count(*) from information_schema.tables where lower(table_name) = 'safemap_compensation'",
				Integer.class);
		return count != null && count > 0;
	}

	@Test
	void backsOffFromAUserStore() {
		runner().withUserConfiguration(UserStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CompensationStore.class).doesNotHaveBean(JdbcCompensationStore.class);
			assertThat(context.getBean(CompensationStore.class))
				.isSameAs(context.getBean(UserStoreConfiguration.class).store);
		});
	}

	@Test
	void canBeDisabled() {
		runner().withPropertyValues("safemap.compensation.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CompensationRegistry.class)
				.doesNotHaveBean(CompensableMethodInterceptor.class));
	}

	@Test
	void backsOffWithoutResilience4j() {
		runner().withClassLoader(new FilteredClassLoader(CircuitBreaker.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CompensationRegistry.class));
	}

	@Test
	void unwritableStoreDirectoryFailsStartupNamingTheProperty() throws Exception {
		Path file = Files.writeString(this.directory.resolve("not-a-directory"), "x");
		runner().withPropertyValues("safemap.compensation.store.directory=" + file.resolve("queue"))
			.run((context) -> {
				InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("safemap.compensation.store.directory");
				assertThat(ex.getValue()).isEqualTo(file.resolve("queue").toString());
				FailureAnalysis analysis = new InvalidSafeMapPropertyFailureAnalyzer(new org.springframework.core.env.StandardEnvironment())
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("safemap.compensation.store.directory")
					.contains("cannot be opened");
				assertThat(analysis.getAction()).contains("writable directory");
			});
	}

	@Test
	void unreachableDataSourceFailsStartupWithAnAction() {
		runner().withUserConfiguration(UnreachableDataSourceConfiguration.class).run((context) -> {
			InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.compensation.store.type");
			assertThat(ex.getReason()).contains("cannot be reached");
			assertThat(ex.getAction()).contains("spring.datasource").contains("store.type=embedded");
		});
	}

	@Test
	void jdbcStoreWithoutDataSourceFailsStartup() {
		runner().withPropertyValues("safemap.compensation.store.type=jdbc").run((context) -> {
			InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("safemap.compensation.store.type");
			assertThat(ex.getReason()).contains("no (unique) DataSource");
		});
	}

	@Test
	void badPropertiesFailStartupNamingTheProperty() {
		runner().withPropertyValues("safemap.compensation.poll-interval=0s")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getProperty())
				.isEqualTo("safemap.compensation.poll-interval"));
		runner().withPropertyValues("safemap.compensation.backoff.randomization-factor=1.5")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getProperty())
				.isEqualTo("safemap.compensation.backoff.randomization-factor"));
		runner().withPropertyValues("safemap.compensation.store.table-name=drop table x")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getProperty())
				.isEqualTo("safemap.compensation.store.table-name"));
		runner().withPropertyValues("safemap.compensation.max-attempts=0")
			.run((context) -> assertThat(failure(context.getStartupFailure()).getValue()).isEqualTo(0));
	}

	@Test
	void compensableMethodWithAResultFailsStartupSayingWhy() {
		runner().withBean(ReturnsAValue.class).run((context) -> {
			InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo("@Compensable on " + ReturnsAValue.class.getName() + ".reserve(String)");
			assertThat(ex.getValue()).isEqualTo("java.lang.String");
			assertThat(ex.getReason()).contains("no result to give back");
		});
		runner().withBean(ReturnsAFutureOfAValue.class).run((context) -> assertThat(
				failure(context.getStartupFailure()).getValue())
			.isEqualTo("java.util.concurrent.CompletableFuture<java.lang.Integer>"));
	}

	@Test
	void badKeyExpressionFailsStartupNamingTheMethod() {
		runner().withBean(BadKeyExpression.class).run((context) -> {
			InvalidSafeMapPropertyException ex = failure(context.getStartupFailure());
			assertThat(ex.getProperty()).startsWith("@Compensable(key) on ").endsWith("BadKeyExpression.reserve(String)");
			assertThat(ex.getValue()).isEqualTo("#sku +");
		});
	}

	private static InvalidSafeMapPropertyException failure(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable current = failure;
		while (current != null && !(current instanceof InvalidSafeMapPropertyException)) {
			current = current.getCause();
		}
		assertThat(current).as("root cause of %s", failure).isInstanceOf(InvalidSafeMapPropertyException.class);
		return (InvalidSafeMapPropertyException) current;
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		@Bean(destroyMethod = "shutdown")
		org.springframework.jdbc.datasource.embedded.EmbeddedDatabase dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnreachableDataSourceConfiguration {

		@Bean
		DataSource dataSource() throws Exception {
			return new SimpleDriverDataSource(new org.postgresql.Driver(), "jdbc:postgresql://127.0.0.1:1/none");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		final CompensationStore store = mock(CompensationStore.class);

		@Bean
		CompensationStore userStore() {
			return this.store;
		}

	}

	static class ReturnsAValue {

		@Compensable(name = "inventory")
		public String reserve(String sku) {
			return sku;
		}

	}

	static class ReturnsAFutureOfAValue {

		@Compensable(name = "inventory")
		public CompletableFuture<Integer> reserve(String sku) {
			return CompletableFuture.completedFuture(1);
		}

	}

	static class BadKeyExpression {

		@Compensable(name = "inventory", key = "#sku +")
		public void reserve(String sku) {
		}

	}

}
