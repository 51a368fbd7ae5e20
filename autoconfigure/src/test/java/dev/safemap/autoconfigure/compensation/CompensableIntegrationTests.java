package dev.safemap.autoconfigure.compensation;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.safemap.aop.CompensableMethodInterceptor;
import dev.safemap.aop.CompensationWorker;
import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationContext;
import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationListener;
import dev.safemap.compensation.CompensationMigration;
import dev.safemap.compensation.CompensationRegistry;
import dev.safemap.compensation.CompensationStatus;
import dev.safemap.compensation.CompensationTemplate;
import dev.safemap.compensation.ContextPropagator;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class CompensableIntegrationTests {

	@TempDir
	Path directory;

	/**
	 * Stops the replay worker and returns the registry, so that only the test replays (with
	 * {@link CompensationRegistry#replayDue()}). The worker's first pass runs as the context starts, on its own
	 * thread; on a loaded machine it ran late, while a test had the downstream down, and replayed the entry the test
	 * had just stored over and over (the backoff here is 1 ms, and a pass claims again whatever is due): those
	 * failed replays opened the test's breaker, which stays open for an hour, or spent the entry's attempts, so the
	 * test's replays were refused until its wait timed out. Stopping the worker waits for a pass that is running and
	 * cancels one that has not begun.
	 */
	private static CompensationRegistry withoutWorker(AssertableApplicationContext context) {
		context.getBean(CompensationWorker.class).stop();
		return context.getBean(CompensationRegistry.class);
	}

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
	void failedCallIsStoredAndReplayedWithTheSameIdempotencyKeyAndArguments() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			downstream.up = false;

			client.reserve(new Order("order-1", "sku-9", 3));

			assertThat(downstream.keysSeen).containsExactly("order-1");
			assertThat(downstream.applied).isEmpty();
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 1L);
			List<CompensationEntry> pending = registry.entries(CompensationStatus.PENDING, 0, 10);
			assertThat(pending).singleElement().satisfies((entry) -> {
				assertThat(entry.idempotencyKey()).isEqualTo("order-1");
				assertThat(entry.orderingKey()).isEqualTo("sku-9");
				assertThat(entry.target()).isEqualTo("inventoryClient#reserve(" + Order.class.getName() + ")");
				assertThat(entry.arguments()).contains("\"sku\":\"sku-9\"");
				assertThat(entry.context()).containsEntry("tenant", "acme");
			});

			downstream.up = true;
			assertThat(registry.replayDue()).isEqualTo(1);
			assertThat(downstream.applied).containsExactly("order-1:sku-9x3:tenant=acme");
			assertThat(downstream.keysSeen).containsExactly("order-1", "order-1");
			assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 1L)
				.containsEntry(CompensationStatus.PENDING, 0L);
		});
	}

	@Test
	void twoMethodsKeyedOnTheSameOrderAreBothAppliedAfterRecovery() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			downstream.up = false;
			Order order = new Order("order-7", "sku-2", 1);

			client.reserve(order);
			client.charge(order);

			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 2L);
			downstream.up = true;
			assertThat(registry.replayDue()).isEqualTo(2);
			assertThat(downstream.applied).containsExactlyInAnyOrder("order-7:sku-2x1:tenant=acme", "charge order-7");
		});
	}

	@Test
	void callWhoseKeyMatchesADeadEntryIsStoredAndApplied() {
		runner().withPropertyValues("safemap.compensation.max-attempts=1").run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			downstream.up = false;
			client.charge(new Order("order-8", "sku-2", 1));
			registry.replayDue();
			assertThat(registry.counts()).containsEntry(CompensationStatus.DEAD, 1L);

			client.charge(new Order("order-8", "sku-2", 1));
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 1L);
			downstream.up = true;
			registry.replayDue();
			assertThat(downstream.applied).containsExactly("charge order-8");
		});
	}

	@Test
	void callWhoseKeyMatchesAWaitingEntryWithOtherArgumentsFailsInsteadOfBeingDropped() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			context.getBean(Downstream.class).up = false;
			InventoryClient client = context.getBean(InventoryClient.class);
			client.charge(new Order("order-9", "sku-2", 1));
			client.charge(new Order("order-9", "sku-2", 1)); // the same write again: joins the waiting entry
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> client.charge(new Order("order-9", "sku-2", 5)))
				.withMessageContaining("neither done nor stored")
				.withMessageNotContaining("order-9");
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 1L);
		});
	}

	@Test
	void callOfAnOrderingKeyWithAWaitingEntryGoesBehindItInsteadOfStraightToTheDownstream() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			downstream.up = false;
			client.reserve(new Order("order-1", "sku-5", 1));
			downstream.up = true;

			client.reserve(new Order("order-2", "sku-5", 1)); // same ordering key (the sku): behind order-1
			client.reserve(new Order("order-3", "sku-6", 1)); // another key: sent at once

			assertThat(downstream.appliedKeys()).as("sent at once: only the other key").containsExactly("order-3");
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 2L);
			registry.replayDue();
			assertThat(downstream.appliedKeys()).containsExactly("order-3", "order-1", "order-2");
		});
	}

	@Test
	void rowNamingALazyBeanWithoutThatCompensableMethodNeverCreatesTheBean() {
		runner().withBean("lazyReport", LazyReport.class, LazyReport::new, (definition) -> definition.setLazyInit(true))
			.run((context) -> {
				CompensationRegistry registry = withoutWorker(context);
				LazyReport.created.set(0);
				registry.enqueue(dev.safemap.compensation.CompensationRequest.of("lazyReport#run()", "[]"));
				registry.replayDue();
				assertThat(LazyReport.created).as("lazy bean created by a stored row").hasValue(0);
			});
	}

	@Test
	void storedCallOfAMethodWhoseSignatureChangedIsRoutedByAMigrationBeanAndAnUnknownOneWaits() {
		String reserve = "inventoryClient#reserve(" + Order.class.getName() + ")";
		runner().withPropertyValues("safemap.compensation.unknown-target-wait=10m")
			.withBean(CompensationMigration.class,
					() -> (entry) -> entry.target().equals("inventoryClient#reserve(java.lang.String,int)")
							? new CompensationMigration.Rewrite(reserve, "[{\"id\":\"old-1\",\"sku\":\""
									+ entry.orderingKey() + "\",\"quantity\":2}]")
							: null)
			.run((context) -> {
				CompensationRegistry registry = withoutWorker(context);
				Downstream downstream = context.getBean(Downstream.class);
				// rows stored by the previous version: one has a migration, the other a method nobody knows
				String migrated = registry.enqueue(dev.safemap.compensation.CompensationRequest
					.of("inventoryClient#reserve(java.lang.String,int)", "[\"sku-4\",2]")
					.withIdempotencyKey("old-1")
					.withOrderingKey("sku-4")).entry().id();
				String unknown = registry.enqueue(
						dev.safemap.compensation.CompensationRequest.of("inventoryClient#restock(java.lang.String)", "[]"))
					.entry()
					.id();

				registry.replayDue();

				assertThat(downstream.applied).containsExactly("old-1:sku-4x2:tenant=none");
				assertThat(registry.find(migrated).orElseThrow().status()).isEqualTo(CompensationStatus.DONE);
				assertThat(registry.find(unknown).orElseThrow()).satisfies((entry) -> {
					assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);
					assertThat(entry.lastError()).contains("waiting up to PT10M");
				});
			});
	}

	static class LazyReport {

		static final java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();

		LazyReport() {
			created.incrementAndGet();
		}

		public void run() {
		}

	}

	@Test
	void futureCompletesWhenTheReplaySucceeds() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			downstream.up = false;
			CompletableFuture<Void> future = client.release(new Order("order-2", "sku-1", 1));
			assertThat(future).isNotDone();
			downstream.up = true;
			registry.replayDue();
			assertThat(future).succeedsWithin(Duration.ofSeconds(5));
			assertThat(downstream.applied).containsExactly("release order-2");
		});
	}

	@Test
	void successfulCallStoresNothing() {
		runner().run((context) -> {
			withoutWorker(context);
			context.getBean(InventoryClient.class).reserve(new Order("order-3", "sku-1", 1));
			assertThat(context.getBean(Downstream.class).applied).hasSize(1);
			assertThat(context.getBean(CompensationRegistry.class).counts().values()).allMatch((n) -> n == 0);
		});
	}

	@Test
	void failureNotListedInOnPropagatesAndStoresNothing() {
		runner().run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			downstream.reject = true;
			assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(InventoryClient.class).reserve(new Order("o", "s", 1)))
				.withMessage("rejected");
			assertThat(context.getBean(CompensationRegistry.class).counts().values()).allMatch((n) -> n == 0);
		});
	}

	@Test
	void argumentThatCannotBeSerializedFailsAtTheCallNamingMethodAndParameterAndStoresNothing() {
		runner().run((context) -> {
			context.getBean(Downstream.class).up = false;
			assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(InventoryClient.class).note("n-1", new Unserializable()))
				.withMessageContaining(InventoryClient.class.getName() + ".note(String, Unserializable)")
				.withMessageContaining("argument 'attachment' (parameter 1");
			assertThat(context.getBean(CompensationRegistry.class).counts().values()).allMatch((n) -> n == 0);
			assertThat(context.getBean(Downstream.class).keysSeen).as("the call is not attempted").isEmpty();
		});
	}

	@Test
	void openBreakerDefersCallsWithoutCallingAndTheWorkerWakesWhenTheBreakerLeavesOpen() {
		runner().withUserConfiguration(RefusalsConfiguration.class).run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			InventoryClient client = context.getBean(InventoryClient.class);
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("inventory");
			downstream.up = false;
			for (int i = 0; i < 4; i++) {
				client.reserve(new Order("order-" + i, "sku-" + i, 1));
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			client.reserve(new Order("order-refused", "sku-x", 1));
			assertThat(downstream.keysSeen).as("an open breaker refuses the call").hasSize(4);
			assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 5L);

			// the worker again: its first pass finds the breaker open (every replay refused, none attempted), then it
			// idles, as the poll interval and the breaker's open wait are 1 h: only the breaker's transition out of
			// OPEN, made below, can start the next replay
			java.util.Set<Thread> before = workers();
			CompensationWorker worker = context.getBean(CompensationWorker.class);
			worker.start();
			java.util.concurrent.atomic.AtomicInteger refused = context.getBean(RefusalsConfiguration.class).refused;
			await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
				assertThat(refused).as("replays refused by the first pass").hasValueGreaterThanOrEqualTo(5);
				java.util.Set<Thread> ours = workers();
				ours.removeIf((thread) -> before.contains(thread) || !thread.getName().contains("-worker-"));
				assertThat(ours).singleElement().satisfies(CompensableIntegrationTests::idleBetweenPasses);
			});
			assertThat(downstream.keysSeen).as("no replay reached the downstream").hasSize(4);

			downstream.up = true;
			breaker.transitionToHalfOpenState();
			await().atMost(30, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 5L));
			assertThat(downstream.appliedKeys()).containsExactlyInAnyOrder("order-0", "order-1", "order-2",
					"order-3", "order-refused");
		});
	}

	/** The worker's thread waits in its scheduler's queue for the next poll: no pass is running. */
	private static void idleBetweenPasses(Thread thread) {
		assertThat(thread.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
		assertThat(thread.getStackTrace()).anyMatch((frame) -> frame.getClassName().endsWith("DelayedWorkQueue")
				&& frame.getMethodName().equals("take"));
		assertThat(thread.getStackTrace()).noneMatch((frame) -> frame.getMethodName().equals("runPass"));
	}

	@Configuration(proxyBeanMethods = false)
	static class RefusalsConfiguration {

		final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

		@Bean
		CompensationListener refusalCounter() {
			return new CompensationListener() {
				@Override
				public void failed(CompensationEntry entry, Throwable failure) {
					if (failure instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
						RefusalsConfiguration.this.refused.incrementAndGet();
					}
				}
			};
		}

	}

	@Test
	void replayGoesThroughTheBreakerAndOtherAdviceWithoutEnteringTheCompensableInterceptorAgain() {
		runner().withUserConfiguration(RecordingAdviceConfiguration.class).run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("inventory");
			List<String> advised = context.getBean(RecordingAdviceConfiguration.class).calls;
			downstream.up = false;
			context.getBean(InventoryClient.class).reserve(new Order("order-5", "sku-5", 1));
			assertThat(advised).first().isEqualTo("first call, inside @Compensable");
			int succeeded = breaker.getMetrics().getNumberOfSuccessfulCalls();

			downstream.up = true;
			registry.replayDue();
			assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 1L);
			assertThat(downstream.appliedKeys()).containsExactly("order-5");
			assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).as("the replay went through the breaker")
				.isEqualTo(succeeded + 1);
			assertThat(advised).containsExactly("first call, inside @Compensable", "replay, outside @Compensable");
		});
	}

	@Test
	void storedCallWhoseArgumentsCannotBeReadGoesToDeadLettersWithTheReason() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			downstream.up = false;
			context.getBean(InventoryClient.class).reserve(new Order("bad", "sku-1", 1));
			context.getBean(InventoryClient.class).reserve(new Order("good", "sku-2", 1));
			JdbcCompensationStore store = context.getBean(JdbcCompensationStore.class);
			org.springframework.jdbc.core.simple.JdbcClient.create(store.getDataSource())
				.sql("UPDATE safemap_compensation SET arguments = '[{\"quantity\":\"many\"}]' WHERE idempotency_key = 'bad'")
				.update();
			downstream.up = true;
			registry.replayDue();
			assertThat(registry.entries(CompensationStatus.DEAD, 0, 10)).hasSize(1);
			CompensationEntry dead = registry.entries(CompensationStatus.DEAD, 0, 10).get(0);
			assertThat(dead.idempotencyKey()).isEqualTo("bad");
			assertThat(dead.lastError()).contains("unreadable entry").contains("argument order of");
			assertThat(downstream.appliedKeys()).containsExactly("good");
		});
	}

	@Test
	void programmaticTemplateStoresAndReplaysARegisteredWrite() {
		runner().run((context) -> {
			CompensationRegistry registry = withoutWorker(context);
			Downstream downstream = context.getBean(Downstream.class);
			CompensationTemplate template = context.getBean(CompensationTemplate.class);
			template.register("stock.audit", "audit", Order.class, (order) -> downstream.apply(order.id(), "audit"));
			downstream.up = false;
			CompletableFuture<Void> future = template.execute("stock.audit", new Order("a-1", "sku", 1), "a-1", null);
			assertThat(future).isNotDone();
			downstream.up = true;
			registry.replayDue();
			assertThat(future).succeedsWithin(Duration.ofSeconds(5));
			assertThat(downstream.applied).containsExactly("audit");
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> template.execute("unknown", "x", null, null))
				.withMessageContaining("'unknown'");
		});
	}

	@Test
	void noWorkerThreadSurvivesContextClose() {
		// other test classes may keep cached application contexts (with their own workers) open: look only at
		// the threads this context started
		java.util.Set<Thread> before = workers();
		java.util.Set<Thread> started = new java.util.HashSet<>();
		runner().run((context) -> {
			assertThat(context.getBean(CompensationRegistry.class)).isNotNull();
			await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
				java.util.Set<Thread> now = workers();
				now.removeAll(before);
				assertThat(now).isNotEmpty();
				started.addAll(now);
			});
		});
		assertThat(started).noneMatch(Thread::isAlive);
	}

	private static java.util.Set<Thread> workers() {
		java.util.Set<Thread> workers = new java.util.HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("safemap-compensation") && thread.isAlive()) {
				workers.add(thread);
			}
		}
		return workers;
	}

	record Order(String id, String sku, int quantity) {
	}

	/** Other advice on the compensable methods, inside the {@code @Compensable} one, as a transaction would be. */
	@Configuration(proxyBeanMethods = false)
	static class RecordingAdviceConfiguration {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		DefaultPointcutAdvisor recordingAdvisor() {
			DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
					new AnnotationMatchingPointcut(null, Compensable.class, true), (MethodInterceptor) (invocation) -> {
						boolean inside = StackWalker.getInstance()
							.walk((frames) -> frames.anyMatch((frame) -> frame.getClassName()
								.equals(CompensableMethodInterceptor.class.getName())));
						this.calls.add((CompensationContext.isReplaying() ? "replay" : "first call")
								+ (inside ? ", inside @Compensable" : ", outside @Compensable"));
						return invocation.proceed();
					});
			advisor.setOrder(Ordered.LOWEST_PRECEDENCE);
			return advisor;
		}

	}

	static final class Unserializable implements Serializable {

		public Object getSelf() {
			return this; // a cycle: Jackson cannot serialize it
		}

	}

	static class Downstream {

		volatile boolean up = true;

		volatile boolean reject;

		final List<String> keysSeen = new CopyOnWriteArrayList<>();

		final List<String> applied = new CopyOnWriteArrayList<>();

		final List<String> appliedKeysList = new CopyOnWriteArrayList<>();

		void apply(String key, String effect) throws IOException {
			this.keysSeen.add(CompensationContext.currentIdempotencyKey().orElse("none"));
			if (this.reject) {
				throw new IllegalArgumentException("rejected");
			}
			if (!this.up) {
				throw new IOException("downstream down");
			}
			this.applied.add(effect);
			this.appliedKeysList.add(key);
		}

		List<String> appliedKeys() {
			return this.appliedKeysList;
		}

	}

	public static class InventoryClient {

		private final Downstream downstream;

		private final ThreadLocal<String> tenant;

		InventoryClient(Downstream downstream, ThreadLocal<String> tenant) {
			this.downstream = downstream;
			this.tenant = tenant;
		}

		@Compensable(name = "inventory", key = "#order.id", orderingKey = "#order.sku", on = IOException.class)
		public void reserve(Order order) throws IOException {
			this.downstream.apply(order.id(), order.id() + ":" + order.sku() + "x" + order.quantity() + ":tenant="
					+ this.tenant.get());
		}

		@Compensable(name = "payments", key = "#order.id", on = IOException.class)
		public void charge(Order order) throws IOException {
			this.downstream.apply(order.id(), "charge " + order.id());
		}

		@Compensable(name = "inventory", key = "#p0.id", on = IOException.class)
		public CompletableFuture<Void> release(Order order) {
			try {
				this.downstream.apply(order.id(), "release " + order.id());
				return CompletableFuture.completedFuture(null);
			}
			catch (IOException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}

		@Compensable(name = "notes", key = "#id")
		public void note(String id, Unserializable attachment) throws IOException {
			this.downstream.apply(id, "note");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InventoryConfiguration {

		final ThreadLocal<String> tenant = ThreadLocal.withInitial(() -> "acme");

		@Bean
		Downstream downstream() {
			return new Downstream();
		}

		@Bean
		InventoryClient inventoryClient(Downstream downstream) {
			return new InventoryClient(downstream, this.tenant);
		}

		@Bean
		CircuitBreakerRegistry circuitBreakerRegistry() {
			return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
				.slidingWindowSize(4)
				.minimumNumberOfCalls(4)
				.failureRateThreshold(50)
				.waitDurationInOpenState(Duration.ofHours(1))
				.permittedNumberOfCallsInHalfOpenState(2)
				.build());
		}

		/** A stand-in for the request context: captures a thread-local tenant and restores it on replay. */
		@Bean
		ContextPropagator tenantPropagator() {
			return new ContextPropagator() {
				@Override
				public Map<String, String> capture() {
					return Map.of("tenant", InventoryConfiguration.this.tenant.get());
				}

				@Override
				public CompensationContext.Scope restore(Map<String, String> context) {
					String previous = InventoryConfiguration.this.tenant.get();
					InventoryConfiguration.this.tenant.set(context.getOrDefault("tenant", "none") + "");
					return () -> InventoryConfiguration.this.tenant.set(previous);
				}
			};
		}

	}

}
