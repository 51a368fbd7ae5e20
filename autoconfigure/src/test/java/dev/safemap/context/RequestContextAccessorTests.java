package dev.safemap.context;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class RequestContextAccessorTests {

	private final ContextRegistry registry = SafeMapContext.register(new ContextRegistry());

	private final ContextSnapshotFactory factory = SafeMapContext.snapshotFactory(this.registry);

	private final ExecutorService raw = Executors.newFixedThreadPool(2);

	private final ExecutorService pool = SafeMapContext.wrap(this.raw, this.factory);

	private final RequestContextPolicy policy = RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID)).build();

	@AfterEach
	void shutdown() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.raw.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		assertThat(RequestContextHolder.getOrNull()).isNull();
	}

	private RequestContext context(String requestId) {
		return RequestContext.builder(this.policy).put(RequestContext.REQUEST_ID, requestId).build();
	}

	@Test
	void registeringTwiceKeepsOneAccessor() {
		SafeMapContext.register(this.registry);
		assertThat(this.registry.getThreadLocalAccessors()).filteredOn((a) -> RequestContextAccessor.KEY.equals(a.key())).hasSize(1);
	}

	@Test
	void snapshotCarriesTheSameInstanceNotACopy() throws Exception {
		RequestContext context = context("r1");
		try (RequestContext.Scope scope = context.open()) {
			RequestContext seen = this.pool.submit(RequestContext::current).get();
			assertThat(seen).isSameAs(context);
		}
	}

	@Test
	void wrappedExecutorCapturesAtSubmitTimeNotAtWrapTime() throws Exception {
		// the pool was wrapped before any context existed; each submission brings its own
		for (int i = 0; i < 50; i++) {
			String id = "r" + i;
			try (RequestContext.Scope scope = context(id).open()) {
				assertThat(this.pool.submit(() -> RequestContext.current().requestId().orElse("none")).get()).isEqualTo(id);
				assertThat(CompletableFuture.supplyAsync(() -> MDC.get(RequestContext.REQUEST_ID), this.pool).get()).isEqualTo(id);
			}
		}
	}

	@Test
	void poolThreadsAreEmptyBetweenTasks() throws Exception {
		try (RequestContext.Scope scope = context("r1").open()) {
			this.pool.submit(() -> {
			}).get();
		}
		// submitted outside any request, through the wrapped and the raw pool, to both threads
		for (int i = 0; i < 20; i++) {
			assertThat(this.pool.submit(() -> RequestContextHolder.getOrNull()).get()).isNull();
			assertThat(this.raw.submit(() -> RequestContextHolder.getOrNull()).get()).isNull();
			assertThat(this.raw.submit(() -> MDC.get(RequestContext.REQUEST_ID)).get()).isNull();
		}
	}

	@Test
	void contextLeftOnAPoolThreadByBuggyCodeIsClearedForTheNextTask() throws Exception {
		// a task that forgets to close its scope leaves a value behind on the raw pool thread
		this.raw.submit(() -> context("leaked").open()).get();
		this.raw.submit(() -> context("leaked").open()).get();
		// clearMissing: a task submitted without a context runs with none, whatever the thread had
		for (int i = 0; i < 10; i++) {
			assertThat(this.pool.submit(() -> RequestContext.current().isEmpty()).get()).isTrue();
		}
		this.raw.submit(RequestContextHolder::clear).get();
		this.raw.submit(RequestContextHolder::clear).get();
	}

	@Test
	void scheduledExecutorCarriesTheContext() throws Exception {
		ScheduledExecutorService scheduler = SafeMapContext.wrap(Executors.newSingleThreadScheduledExecutor(), this.factory);
		try (RequestContext.Scope scope = context("s1").open()) {
			assertThat(scheduler.schedule(() -> RequestContext.current().requestId().orElse("none"), 10, TimeUnit.MILLISECONDS).get())
				.isEqualTo("s1");
		}
		assertThat(scheduler.schedule(() -> RequestContextHolder.getOrNull(), 1, TimeUnit.MILLISECONDS).get()).isNull();
		scheduler.shutdownNow();
	}

	@Test
	void plainExecutorWrapperCarriesTheContext() throws Exception {
		AtomicReference<String> seen = new AtomicReference<>();
		CompletableFuture<Void> done = new CompletableFuture<>();
		try (RequestContext.Scope scope = context("e1").open()) {
			SafeMapContext.wrapExecutor(this.raw, this.factory).execute(() -> {
				seen.set(RequestContext.current().requestId().orElse("none"));
				done.complete(null);
			});
		}
		done.get(5, TimeUnit.SECONDS);
		assertThat(seen.get()).isEqualTo("e1");
	}

	@Test
	void restoringAfterASnapshotPutsBackThePreviousContextAndMdc() {
		RequestContext request = context("outer");
		ContextSnapshot snapshot;
		try (RequestContext.Scope scope = context("captured").open()) {
			snapshot = this.factory.captureAll();
		}
		try (RequestContext.Scope scope = request.open()) {
			try (ContextSnapshot.Scope hop = snapshot.setThreadLocals()) {
				assertThat(RequestContext.current().requestId()).hasValue("captured");
				assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("captured");
			}
			assertThat(RequestContext.current()).isSameAs(request);
			assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("outer");
		}
		assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
	}

	@Test
	void emptyContextIsNeverPutIntoASnapshotAndApplyingSuchASnapshotClearsTheTarget() {
		assertThat(new RequestContextAccessor().getValue()).isNull();
		ContextSnapshot empty = this.factory.captureAll();
		RequestContext request = context("r1");
		try (RequestContext.Scope scope = request.open()) {
			try (ContextSnapshot.Scope hop = empty.setThreadLocals()) {
				assertThat(RequestContextHolder.getOrNull()).isNull();
				assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
			}
			assertThat(RequestContext.current()).isSameAs(request);
			assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r1");
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsReceiveTheContext() throws Exception {
		// compiled for Java 17: reach the Java 21 factory reflectively
		Method factoryMethod = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
		ExecutorService virtual = (ExecutorService) factoryMethod.invoke(null);
		ExecutorService wrapped = SafeMapContext.wrap(virtual, this.factory);
		try {
			for (int i = 0; i < 100; i++) {
				RequestContext context = context("v" + i);
				try (RequestContext.Scope scope = context.open()) {
					assertThat(wrapped.submit(RequestContext::current).get()).isSameAs(context);
					assertThat(wrapped.submit(() -> MDC.get(RequestContext.REQUEST_ID)).get()).isEqualTo("v" + i);
				}
			}
			assertThat(wrapped.submit(RequestContextHolder::getOrNull).get()).isNull();
		}
		finally {
			wrapped.shutdown();
		}
	}

}
