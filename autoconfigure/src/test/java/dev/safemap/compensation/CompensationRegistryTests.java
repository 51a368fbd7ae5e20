package dev.safemap.compensation;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.core.IntervalFunction;
import dev.safemap.support.KeyMasker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchRuntimeException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CompensationRegistryTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final InMemoryCompensationStore store = new InMemoryCompensationStore();

	private CompensationRegistry.Builder builder() {
		return CompensationRegistry.builder(this.store)
			.clock(this.clock)
			.backoff(IntervalFunction.of(Duration.ofSeconds(1)))
			.maxAttempts(3);
	}

	@Test
	void replayedEntryIsDoneAndItsFutureCompletes() {
		List<String> replayed = new ArrayList<>();
		CompensationRegistry registry = builder().handlers((t) -> (e) -> replayed.add(e.arguments())).build();
		CompensationRegistry.Enqueued enqueued = registry.enqueue(CompensationRequest.of("t", "[1]"));
		assertThat(enqueued.created()).isTrue();
		CompletableFuture<Void> completion = registry.completion(enqueued.entry().id());
		assertThat(completion).isNotDone();

		assertThat(registry.replayDue()).isEqualTo(1);

		assertThat(replayed).containsExactly("[1]");
		assertThat(completion).isCompleted();
		assertThat(registry.completion(enqueued.entry().id())).as("already done").isCompleted();
		assertThat(registry.find(enqueued.entry().id())).hasValueSatisfying(
				(e) -> assertThat(e.status()).isEqualTo(CompensationStatus.DONE));
	}

	@Test
	void failedAttemptIsRescheduledWithBackoffAndNotReplayedBeforeItIsDue() {
		AtomicInteger calls = new AtomicInteger();
		CompensationRegistry registry = builder().handlers((t) -> (e) -> {
			calls.incrementAndGet();
			throw new IOException("downstream down");
		}).build();
		String id = registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();

		registry.replayDue();
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(entry.attempts()).isEqualTo(1);
		assertThat(entry.nextAttemptAt()).isEqualTo(this.clock.instant().plusSeconds(1));
		assertThat(entry.lastError()).contains("IOException: downstream down");

		registry.replayDue();
		assertThat(calls).hasValue(1);
		this.clock.advance(Duration.ofSeconds(1));
		registry.replayDue();
		assertThat(calls).hasValue(2);
	}

	@Test
	void entryGoesToDeadLettersAfterMaxAttemptsAndItsFutureFails() {
		CompensationRegistry registry = builder().handlers((t) -> (e) -> {
			throw new IOException("still down");
		}).build();
		CompensationRegistry.Enqueued enqueued = registry.enqueue(CompensationRequest.of("t", "[]"));
		CompletableFuture<Void> completion = registry.completion(enqueued.entry().id());
		for (int i = 0; i < 3; i++) {
			registry.replayDue();
			this.clock.advance(Duration.ofSeconds(1));
		}
		CompensationEntry entry = registry.find(enqueued.entry().id()).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(entry.attempts()).isEqualTo(3);
		assertThat(entry.lastError()).startsWith("gave up after 3 attempts").contains("still down");
		assertThat(completion).isCompletedExceptionally();
		assertThat(registry.counts()).containsEntry(CompensationStatus.DEAD, 1L);
	}

	@Test
	void completionOfAnEntryReplayedByAnotherInstanceSettlesAtTheNextSweep() {
		CompensationRegistry waiting = builder().owner("a").unknownTargetWait(Duration.ZERO).build();
		CompensationRegistry other = builder().owner("b").handlers((t) -> (e) -> {
		}).build();
		String id = waiting.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		CompletableFuture<Void> completion = waiting.completion(id);
		waiting.replayDue(); // "a" has no handler for "t" and does not wait: dead letter, its future fails
		assertThat(completion).isCompletedExceptionally();
		String second = waiting.enqueue(CompensationRequest.of("u", "[]")).entry().id();
		CompletableFuture<Void> secondCompletion = waiting.completion(second);
		other.replayDue();
		assertThat(secondCompletion).isNotDone();
		this.clock.advance(Duration.ofMinutes(1));
		waiting.replayDue();
		assertThat(secondCompletion).isCompleted();
	}

	@Test
	void entryGoesToDeadLettersWhenOlderThanMaxAge() {
		CompensationRegistry registry = builder().maxAttempts(100)
			.maxAge(Duration.ofMinutes(5))
			.handlers((t) -> (e) -> {
				throw new IOException("down");
			})
			.build();
		String id = registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		registry.replayDue();
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.PENDING);
		this.clock.advance(Duration.ofMinutes(6));
		registry.replayDue();
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(entry.lastError()).contains("max age PT5M");
	}

	@Test
	void poisonEntryThrowingStackOverflowErrorIsDeadLetteredAfterItsAttemptsAndTheOtherKeyIsApplied() {
		List<String> applied = new ArrayList<>();
		CompensationRegistry registry = builder().maxAttempts(1).handlers((t) -> (e) -> {
			if (e.arguments().equals("[\"poison\"]")) {
				throw new StackOverflowError();
			}
			applied.add(e.arguments());
		}).build();
		String poison = registry.enqueue(CompensationRequest.of("t", "[\"poison\"]")).entry().id();
		registry.enqueue(CompensationRequest.of("t", "[\"good\"]"));

		registry.replayDue();

		assertThat(applied).containsExactly("[\"good\"]");
		CompensationEntry dead = registry.find(poison).orElseThrow();
		assertThat(dead.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(dead.attempts()).isEqualTo(1);
		assertThat(dead.lastError()).contains("java.lang.StackOverflowError");
	}

	@Test
	void outOfMemoryErrorOfAReplayCountsAnAttemptBeforeItIsRethrown() {
		CompensationRegistry registry = builder().maxAttempts(2).handlers((t) -> (e) -> {
			throw new OutOfMemoryError("test");
		}).build();
		String id = registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();

		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(registry::replayDue);
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(entry.attempts()).isEqualTo(1);

		this.clock.advance(Duration.ofSeconds(1));
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(registry::replayDue);
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
	}

	@Test
	void entryWhoseReplaysKeepKillingTheWorkerIsDeadLetteredAfterItsAttempts() {
		// a worker that dies mid-replay leaves the entry IN_PROGRESS: each takeover of its expired lease counts
		List<String> applied = new ArrayList<>();
		CompensationRegistry registry = builder().maxAttempts(2).handlers((t) -> (e) -> applied.add(e.arguments()))
			.build();
		String id = registry.enqueue(CompensationRequest.of("t", "[\"killer\"]")).entry().id();
		Duration lease = Duration.ofMinutes(2);
		for (int crash = 0; crash < 2; crash++) {
			assertThat(this.store.claim("crashed-" + crash, this.clock.instant(), lease, 10)).hasSize(1);
			this.clock.advance(lease);
		}
		registry.replayDue();
		assertThat(applied).isEmpty();
		CompensationEntry dead = registry.find(id).orElseThrow();
		assertThat(dead.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(dead.attempts()).isEqualTo(2);
		assertThat(dead.lastError()).contains("did not finish");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void deadLetterIsLoggedAtWarnWithTargetMaskedKeyAttemptsAndErrorClassButNoValue(CapturedOutput output) {
		KeyMasker masker = KeyMasker.withSecret("a test secret of 32 bytes.......");
		CompensationRegistry registry = builder().maxAttempts(1).keyMasker(masker).handlers((t) -> (e) -> {
			throw new IOException("card 4111111111111111 refused");
		}).build();
		registry.enqueue(CompensationRequest.of("payments#charge(Order)", "[\"order-42\"]").withIdempotencyKey("order-42"));

		registry.replayDue();

		assertThat(output.getOut()).contains("WARN")
			.contains("payments#charge(Order)")
			.contains(masker.mask("order-42"))
			.contains("after 1 attempts")
			.contains("java.io.IOException")
			.doesNotContain("4111111111111111")
			.doesNotContain("order-42");
	}

	@Test
	void storedReasonsCarryTheErrorClassButNeitherArgumentValuesNorDownstreamBodies() {
		// what the argument reader throws for a stored phone number read back into a long parameter
		RuntimeException deserializer = catchRuntimeException(
				() -> JsonMapper.shared().readValue("\"+44 7700 900123\"", long.class));
		assertThat(deserializer.getMessage()).as("the deserializer's message").contains("+44 7700 900123");
		CompensationRegistry registry = builder().maxAttempts(2).handlers((t) -> (e) -> {
			if (e.arguments().equals("[1]")) {
				throw new UnreadableCompensationException(
						"argument 'phone' of Sms.send(long) cannot be read as long: " + deserializer.getMessage(),
						deserializer);
			}
			throw new IOException("422 Unprocessable Entity: \"{\"to\":\"jane@example.com\",\"card\":4111111111111111}\"");
		}).build();
		String unreadable = registry.enqueue(CompensationRequest.of("sms#send(long)", "[1]")).entry().id();
		String rejected = registry.enqueue(CompensationRequest.of("sms#send(long)", "[2]")).entry().id();

		registry.replayDue();

		String dead = registry.find(unreadable).orElseThrow().lastError();
		assertThat(dead).isEqualTo("unreadable entry: dev.safemap.compensation.UnreadableCompensationException: argument ?"
				+ " of Sms.send(long) cannot be read as long: Cannot deserialize value of type ? from String ?: not a valid ? value");
		assertThat(dead).contains(UnreadableCompensationException.class.getName())
			.contains("cannot be read as long")
			.doesNotContain("7700")
			.doesNotContain("900123");
		String failed = registry.find(rejected).orElseThrow().lastError();
		assertThat(failed).startsWith("java.io.IOException: 422 Unprocessable Entity")
			.doesNotContain("jane")
			.doesNotContain("4111");
	}

	@Test
	void entryWhoseLeaseRanOutAndWasClaimedByAnotherInstanceMidBatchIsNotReplayedHere() {
		Duration lease = Duration.ofSeconds(30);
		List<String> replayed = new ArrayList<>();
		List<String> takenByOther = new ArrayList<>();
		// one replay thread: the second entry waits for the first (with more, it could start while the lease is fresh)
		CompensationRegistry registry = builder().lease(lease).replayThreads(1).handlers((t) -> (e) -> {
			replayed.add(e.arguments());
			if (e.arguments().equals("[1]")) {
				// the first replay outlasts the lease of the whole claim: another instance claims the second entry
				this.clock.advance(lease.plusSeconds(1));
				this.store.claim("other", this.clock.instant(), lease, 10)
					.forEach((taken) -> takenByOther.add(taken.arguments()));
			}
		}).build();
		registry.enqueue(CompensationRequest.of("t", "[1]"));
		registry.enqueue(CompensationRequest.of("t", "[2]"));

		registry.replayDue();

		assertThat(takenByOther).contains("[2]");
		assertThat(replayed).containsExactly("[1]");
	}

	@Test
	void refusedCallIsRescheduledWithoutCountingAnAttempt() {
		CompensationRegistry registry = builder().notAttempted((ex) -> ex instanceof IllegalStateException)
			.handlers((t) -> (e) -> {
				throw new IllegalStateException("breaker open");
			})
			.build();
		String id = registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		for (int i = 0; i < 5; i++) {
			registry.replayDue();
			this.clock.advance(Duration.ofSeconds(1));
		}
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(entry.attempts()).isZero();
	}

	@Test
	void sameIdempotencyKeyWhilePendingIsStoredOnce() {
		CompensationRegistry registry = builder().build();
		CompensationRegistry.Enqueued first = registry.enqueue(CompensationRequest.of("t", "[1]").withIdempotencyKey("k"));
		CompensationRegistry.Enqueued second = registry.enqueue(CompensationRequest.of("t", "[2]").withIdempotencyKey("k"));
		assertThat(first.created()).isTrue();
		assertThat(second.created()).isFalse();
		assertThat(second.entry().id()).isEqualTo(first.entry().id());
		assertThat(registry.completion(second.entry().id())).isSameAs(registry.completion(first.entry().id()));
		assertThat(registry.counts()).containsEntry(CompensationStatus.PENDING, 1L);
	}

	@Test
	void perKeyOrderHoldsWithFailuresInBetweenAndAFailingEntryHoldsBackOnlyItsKey() {
		List<String> applied = Collections.synchronizedList(new ArrayList<>());
		Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>(Map.of("a1", new AtomicInteger(2),
				"a3", new AtomicInteger(1), "b2", new AtomicInteger(1)));
		CompensationRegistry registry = builder().maxAttempts(10).handlers((t) -> (e) -> {
			AtomicInteger left = failuresLeft.get(e.arguments());
			if (left != null && left.getAndDecrement() > 0) {
				throw new IOException("fail " + e.arguments());
			}
			applied.add(e.arguments());
		}).build();
		for (String name : List.of("a1", "b1", "a2", "b2", "a3", "c1")) {
			registry.enqueue(CompensationRequest.of("t", name).withOrderingKey(name.substring(0, 1)));
		}

		registry.replayDue();
		// a1 failed and holds back a2 and a3; b and c are not held back (replayed at the same time: in either order)
		assertThat(applied).containsExactlyInAnyOrder("b1", "c1");
		for (int i = 0; i < 6; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			registry.replayDue();
		}
		assertThat(applied.stream().filter((s) -> s.startsWith("a"))).containsExactly("a1", "a2", "a3");
		assertThat(applied.stream().filter((s) -> s.startsWith("b"))).containsExactly("b1", "b2");
		assertThat(registry.counts()).containsEntry(CompensationStatus.DONE, 6L);
	}

	@Test
	void unreadableEntryGoesToDeadLettersWithTheReasonAndDoesNotBlockTheQueue() {
		List<String> applied = new ArrayList<>();
		CompensationRegistry registry = builder().handlers((t) -> (e) -> {
			if (e.arguments().equals("garbage")) {
				throw new UnreadableCompensationException("arguments are not JSON");
			}
			applied.add(e.arguments());
		}).build();
		String bad = registry.enqueue(CompensationRequest.of("t", "garbage").withOrderingKey("k")).entry().id();
		registry.enqueue(CompensationRequest.of("t", "[1]").withOrderingKey("k"));
		registry.replayDue();
		assertThat(registry.find(bad).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(registry.find(bad).orElseThrow().lastError()).contains("arguments are not JSON");
		assertThat(applied).containsExactly("[1]");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void entryWithUnknownTargetWaitsWithoutAttemptsThenGoesToDeadLettersWithAWarn(CapturedOutput output) {
		// default wait: 1 h
		CompensationRegistry registry = builder().build();
		String id = registry.enqueue(CompensationRequest.of("gone#method()", "[]")).entry().id();
		for (int minute = 0; minute < 60; minute++) {
			registry.replayDue();
			CompensationEntry entry = registry.find(id).orElseThrow();
			assertThat(entry.status()).as("after %d min", minute).isEqualTo(CompensationStatus.PENDING);
			assertThat(entry.attempts()).isZero();
			assertThat(entry.lastError()).startsWith("unknown target since 2026-01-01T00:00:00Z;")
				.contains("no handler for target 'gone#method()'");
			this.clock.advance(Duration.ofMinutes(1));
		}
		assertThat(output.getOut().split("is unknown to this instance", -1)).as("one WARN per target").hasSize(2);
		assertThat(output.getOut()).contains("WARN").contains("Compensation target 'gone#method()' is unknown");

		registry.replayDue();
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(entry.lastError()).startsWith("no handler for target 'gone#method()' after waiting PT1H");
		assertThat(output.getOut()).contains("moved to dead letters after 0 attempts: no handler for target");
	}

	@Test
	void entryOfATargetUnknownHereIsReplayedByAnInstanceThatKnowsIt() {
		CompensationRegistry old = builder().owner("old").build();
		List<String> replayed = new ArrayList<>();
		CompensationRegistry current = builder().owner("new").build();
		current.register("added#method()", (e) -> replayed.add(e.arguments()));
		String id = old.enqueue(CompensationRequest.of("added#method()", "[7]")).entry().id();

		old.replayDue();
		assertThat(old.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.PENDING);
		this.clock.advance(Duration.ofMinutes(1));
		current.replayDue();
		assertThat(replayed).containsExactly("[7]");
		assertThat(current.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DONE);
	}

	@Test
	void unknownTargetWaitOfZeroSendsTheEntryToDeadLettersAtOnce() {
		CompensationRegistry registry = builder().unknownTargetWait(Duration.ZERO).build();
		String id = registry.enqueue(CompensationRequest.of("gone#method()", "[]")).entry().id();
		registry.replayDue();
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		assertThatIllegalArgumentException().isThrownBy(() -> builder().unknownTargetWait(Duration.ofSeconds(-1)))
			.withMessageContaining("PT-1S");
	}

	@Test
	void migrationRoutesAnEntryOfAChangedSignatureToItsNewTarget() {
		List<String> replayed = new ArrayList<>();
		CompensationRegistry registry = builder().unknownTargetWait(Duration.ZERO)
			.migration((e) -> e.target().equals("other#x()") ? null : null)
			.migration((e) -> e.target().equals("client#reserve(Order)")
					? new CompensationMigration.Rewrite("client#reserve(Order,Priority)",
							e.arguments().replaceFirst("]$", ",\"NORMAL\"]"))
					: null)
			.build();
		registry.register("client#reserve(Order,Priority)",
				(e) -> replayed.add(e.target() + " " + e.arguments() + " " + e.idempotencyKey()));
		String id = registry.enqueue(CompensationRequest.of("client#reserve(Order)", "[{\"id\":1}]")
			.withIdempotencyKey("order-1")).entry().id();
		String unmigrated = registry.enqueue(CompensationRequest.of("client#cancel(Order)", "[]")).entry().id();

		registry.replayDue();

		assertThat(replayed).containsExactly("client#reserve(Order,Priority) [{\"id\":1},\"NORMAL\"] order-1");
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DONE);
		assertThat(registry.find(id).orElseThrow().target()).as("the row keeps its target")
			.isEqualTo("client#reserve(Order)");
		assertThat(registry.find(unmigrated).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
	}

	@Test
	void migrationThatThrowsCountsAFailedAttempt() {
		CompensationRegistry registry = builder().migration((e) -> {
			throw new IllegalStateException("cannot read " + e.arguments());
		}).build();
		String id = registry.enqueue(CompensationRequest.of("gone#m()", "[\"secret\"]")).entry().id();
		registry.replayDue();
		CompensationEntry entry = registry.find(id).orElseThrow();
		assertThat(entry.status()).isEqualTo(CompensationStatus.PENDING);
		assertThat(entry.attempts()).isEqualTo(1);
		assertThat(entry.lastError()).contains("IllegalStateException").doesNotContain("secret");
	}

	@Test
	void replayRunsWithTheIdempotencyKeyAndTheCapturedContext() {
		AtomicReference<String> seenKey = new AtomicReference<>();
		AtomicReference<Map<String, String>> seenContext = new AtomicReference<>();
		ThreadLocal<Map<String, String>> requestContext = new ThreadLocal<>();
		ContextPropagator propagator = new ContextPropagator() {
			@Override
			public Map<String, String> capture() {
				return Map.of("tenant", "t-1");
			}

			@Override
			public CompensationContext.Scope restore(Map<String, String> context) {
				requestContext.set(context);
				return requestContext::remove;
			}
		};
		CompensationRegistry registry = builder().contextPropagator(propagator).build();
		registry.register("t", (e) -> {
			seenKey.set(CompensationContext.currentIdempotencyKey().orElse(null));
			seenContext.set(requestContext.get());
			assertThat(CompensationContext.isReplaying()).isTrue();
		});
		registry.enqueue(CompensationRequest.of("t", "[]").withIdempotencyKey("order-7").withContext(propagator.capture()));
		registry.replayDue();
		assertThat(seenKey).hasValue("order-7");
		assertThat(seenContext).hasValue(Map.of("tenant", "t-1"));
		assertThat(CompensationContext.currentIdempotencyKey()).isEmpty();
		assertThat(requestContext.get()).isNull();
	}

	@Test
	void deadEntryCanBeRetriedOrDiscardedButAWaitingEntryIsNeverDiscarded() {
		AtomicInteger failuresLeft = new AtomicInteger(3);
		CompensationRegistry registry = builder().handlers((t) -> (e) -> {
			if ("gone".equals(t) || ("t".equals(t) && failuresLeft.getAndDecrement() > 0)) {
				throw new IOException("down");
			}
		}).build();
		String id = registry.enqueue(CompensationRequest.of("t", "[]")).entry().id();
		String other = registry.enqueue(CompensationRequest.of("gone", "[]")).entry().id();
		assertThat(registry.discard(other)).as("pending").isFalse();
		assertThat(registry.find(other)).isPresent();
		for (int i = 0; i < 3; i++) {
			registry.replayDue();
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(registry.find(other).orElseThrow().status()).isEqualTo(CompensationStatus.DEAD);
		assertThat(registry.discard(other)).as("dead").isTrue();
		assertThat(registry.find(other)).isEmpty();

		assertThat(registry.retry(id)).isTrue();
		assertThat(registry.find(id).orElseThrow().attempts()).isZero();
		registry.replayDue();
		assertThat(registry.find(id).orElseThrow().status()).isEqualTo(CompensationStatus.DONE);
		assertThat(registry.retry(id)).isFalse();
	}

	@Test
	void failingListenerIsIgnored() {
		List<String> events = new ArrayList<>();
		CompensationRegistry registry = builder().listener(new CompensationListener() {
			@Override
			public void enqueued(CompensationEntry entry, boolean created) {
				throw new IllegalStateException("boom");
			}
		}).listener(new CompensationListener() {
			@Override
			public void replayed(CompensationEntry entry, Duration lag) {
				events.add("replayed " + lag);
			}
		}).handlers((t) -> (e) -> {
		}).build();
		registry.enqueue(CompensationRequest.of("t", "[]"));
		this.clock.advance(Duration.ofSeconds(3));
		registry.replayDue();
		assertThat(events).containsExactly("replayed PT3S");
	}

	@Test
	void workerReplaysInTheBackgroundAndStopsOnClose() throws Exception {
		CountDownLatch replayed = new CountDownLatch(1);
		CompensationRegistry registry = CompensationRegistry.builder(this.store)
			.pollInterval(Duration.ofMillis(50))
			.handlers((t) -> (e) -> replayed.countDown())
			.build();
		// cached application contexts of other test classes may run workers of their own: only look at ours
		List<Thread> before = workerThreads();
		registry.start();
		registry.enqueue(CompensationRequest.of("t", "[]"));
		assertThat(replayed.await(5, TimeUnit.SECONDS)).isTrue();
		List<Thread> ours = new ArrayList<>(workerThreads());
		ours.removeAll(before);
		assertThat(ours).isNotEmpty();
		registry.close();
		assertThat(ours).noneMatch(Thread::isAlive);
	}

	@Test
	void stoppedWorkerEndsItsThreadsAndStartedAgainReplaysAgain() throws Exception {
		List<String> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();
		CompensationRegistry registry = CompensationRegistry.builder(this.store)
			.pollInterval(Duration.ofHours(1))
			.handlers((t) -> (e) -> replayed.add(e.arguments()))
			.build();
		List<Thread> before = workerThreads();
		registry.start();
		registry.enqueue(CompensationRequest.of("t", "[1]"));
		registry.wakeUp();
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(replayed).containsExactly("[1]"));
		List<Thread> first = new ArrayList<>(workerThreads());
		first.removeAll(before);

		registry.stop();
		assertThat(first).isNotEmpty().noneMatch(Thread::isAlive);
		registry.enqueue(CompensationRequest.of("t", "[2]"));
		registry.wakeUp(); // stopped: does nothing
		assertThat(replayed).containsExactly("[1]");

		registry.start(); // the first pass of a start runs at once (the poll interval is 1 h)
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(replayed).containsExactly("[1]", "[2]"));
		registry.close();
		assertThat(workerThreads()).allMatch(before::contains);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(registry::start)
			.withMessageContaining("closed");
	}

	@Test
	void backlogLargerThanOnePassIsDrainedWithoutWaitingForThePollInterval() throws Exception {
		// one pass attempts at most 20 claims (here of 1 entry): the rest must follow at once, not a poll later
		CountDownLatch replayed = new CountDownLatch(45);
		for (int i = 0; i < 45; i++) {
			this.store.enqueue(CompensationRequest.of("t", "[" + i + "]"), this.clock.instant());
		}
		CompensationRegistry registry = builder().pollInterval(Duration.ofHours(1)).batchSize(1)
			.handlers((t) -> (e) -> replayed.countDown())
			.build();
		registry.start();
		try {
			assertThat(replayed.await(60, TimeUnit.SECONDS)).as("all 45 replayed, %d left", replayed.getCount())
				.isTrue();
		}
		finally {
			registry.close();
		}
	}

	@Test
	void passOfOnlyFailuresThatUsedItsBudgetWaitsForThePollInsteadOfGoingOnAtOnce() throws Exception {
		// 25 failing entries, one per claim: the pass stops after 20 claims with no success; going on at once would
		// hammer a failing downstream (with a tiny backoff, the same entries again and again)
		AtomicInteger calls = new AtomicInteger();
		for (int i = 0; i < 25; i++) {
			this.store.enqueue(CompensationRequest.of("t", "[" + i + "]"), this.clock.instant());
		}
		java.util.concurrent.ScheduledThreadPoolExecutor scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
		CompensationRegistry registry = builder().maxAttempts(100).pollInterval(Duration.ofHours(1)).batchSize(1)
			.scheduler(scheduler)
			.handlers((t) -> (e) -> {
				calls.incrementAndGet();
				throw new IOException("down");
			})
			.build();
		try {
			registry.start();
			// the first pass has run and ended: a wake-up it asked for would be queued (or running) by then
			org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
				.until(() -> calls.get() > 0 && scheduler.getActiveCount() == 0);
			assertThat(calls).hasValue(20);
			assertThat(scheduler.getQueue()).as("only the periodic poll is scheduled").hasSize(1);
			// each run of the periodic poll counts as a completed task: the first poll, and no wake-up
			assertThat(scheduler.getCompletedTaskCount()).as("tasks run").isEqualTo(1);
		}
		finally {
			registry.close();
			scheduler.shutdownNow();
		}
	}

	@Test
	void stopWaitsForTheReplayInProgressAndStartsNoFurtherEntry() throws Exception {
		CountDownLatch inReplay = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.store.enqueue(CompensationRequest.of("t", "[1]"), this.clock.instant());
		this.store.enqueue(CompensationRequest.of("t", "[2]"), this.clock.instant());
		CompensationRegistry registry = builder().pollInterval(Duration.ofHours(1)).replayThreads(1).handlers((t) -> (e) -> {
			inReplay.countDown();
			release.await();
			replayed.add(e.arguments());
		}).build();
		registry.start();
		assertThat(inReplay.await(30, TimeUnit.SECONDS)).isTrue();
		Thread stopper = new Thread(registry::stop, "stopper");
		stopper.start();
		// the stopper waits for the replay in progress (timed waits only: awaitTermination, then the join)
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
		assertThat(stopper.isAlive()).isTrue();
		release.countDown();
		stopper.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(stopper.isAlive()).isFalse();
		assertThat(replayed).as("the replay in progress finished; the next entry was not started").containsExactly("[1]");

		// still claimed by the stopped pass: replayed once its lease has expired
		this.clock.advance(Duration.ofMinutes(3));
		registry.replayDue();
		assertThat(replayed).containsExactly("[1]", "[2]");
		registry.close();
	}

	@Test
	void entryWhoseLeaseRanOutByTheDatabaseClockWhileTheInstanceClockStoodStillIsNotReplayedHere() {
		// PostgreSQL times leases with its own clock: the instance's clock says nothing about them, so a skipped
		// lease check must rest on elapsed (monotonic) time too
		Duration lease = Duration.ofSeconds(30);
		MutableClock database = new MutableClock(this.clock.instant());
		AtomicLong ticker = new AtomicLong();
		CompensationStore onDatabaseClock = StoreCalls.withClock(this.store, database, null);
		List<String> replayed = new ArrayList<>();
		List<String> takenByOther = new ArrayList<>();
		CompensationRegistry registry = CompensationRegistry.builder(onDatabaseClock)
			.clock(this.clock)
			.ticker(ticker::get)
			.lease(lease)
			.replayThreads(1)
			.handlers((t) -> (e) -> {
				replayed.add(e.arguments());
				if (e.arguments().equals("[1]")) {
					// the first replay outlasts the lease (by the database and in elapsed time): another instance
					// claims the second entry; this instance's clock has not moved
					database.advance(lease.plusSeconds(1));
					ticker.addAndGet(lease.plusSeconds(1).toNanos());
					onDatabaseClock.claim("other", database.instant(), lease, 10)
						.forEach((taken) -> takenByOther.add(taken.arguments()));
				}
			})
			.build();
		registry.enqueue(CompensationRequest.of("t", "[1]"));
		registry.enqueue(CompensationRequest.of("t", "[2]"));

		registry.replayDue();

		assertThat(takenByOther).contains("[2]");
		assertThat(replayed).containsExactly("[1]");
	}

	@Test
	void freshClaimIsReplayedWithoutALeaseWriteAndEntriesReachedAfterAThirdOfTheLeaseAreCheckedFirst() {
		Duration lease = Duration.ofSeconds(30);
		AtomicLong ticker = new AtomicLong();
		AtomicInteger renewsBeforeReplays = new AtomicInteger();
		Thread caller = Thread.currentThread();
		// the heartbeat renews on its own thread: count the checks made before a replay, on the pass's thread
		CompensationStore counted = StoreCalls.withClock(this.store, null,
				(method) -> {
					if (method.equals("renew") && Thread.currentThread() == caller) {
						renewsBeforeReplays.incrementAndGet();
					}
				});
		List<String> replayed = new ArrayList<>();
		CompensationRegistry registry = CompensationRegistry.builder(counted)
			.clock(this.clock)
			.ticker(ticker::get)
			.lease(lease)
			.replayThreads(1)
			.handlers((t) -> (e) -> replayed.add(e.arguments()))
			.build();
		for (int i = 0; i < 5; i++) {
			registry.enqueue(CompensationRequest.of("t", "[" + i + "]"));
		}
		registry.replayDue();
		assertThat(replayed).hasSize(5);
		assertThat(renewsBeforeReplays).as("lease checks of a fresh claim").hasValue(0);

		for (int i = 5; i < 10; i++) {
			registry.enqueue(CompensationRequest.of("t", "[" + i + "]"));
		}
		CompensationRegistry slow = CompensationRegistry.builder(counted)
			.clock(this.clock)
			.ticker(ticker::get)
			.lease(lease)
			.replayThreads(1)
			.handlers((t) -> (e) -> {
				replayed.add(e.arguments());
				// a third of the lease elapses during the first replay (by the ticker only)
				ticker.addAndGet(Duration.ofSeconds(10).toNanos());
			})
			.build();
		slow.replayDue();
		assertThat(replayed).hasSize(10);
		assertThat(renewsBeforeReplays).as("lease checks once a third of the lease had elapsed").hasValue(4);
	}

	@Test
	void entriesOfDifferentKeysAreReplayedConcurrentlyAndEachKeyKeepsItsOrderWithFailuresInBetween() {
		int keys = 8;
		int perKey = 6;
		Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
		Map<String, List<Integer>> order = new ConcurrentHashMap<>();
		Map<String, Boolean> failedOnce = new ConcurrentHashMap<>();
		AtomicInteger overlapsWithinAKey = new AtomicInteger();
		java.util.concurrent.CyclicBarrier firstTwoKeys = new java.util.concurrent.CyclicBarrier(2);
		AtomicInteger barrierPassed = new AtomicInteger();
		CompensationRegistry registry = builder().maxAttempts(10).replayThreads(4).handlers((t) -> (e) -> {
			String key = e.orderingKey();
			if (inFlight.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet() > 1) {
				overlapsWithinAKey.incrementAndGet();
			}
			try {
				int index = Integer.parseInt(e.arguments());
				if (index == 0 && (key.equals("key-0") || key.equals("key-1"))) {
					// the first entries of two keys meet here: only replays that run at the same time get past
					firstTwoKeys.await(30, TimeUnit.SECONDS);
					barrierPassed.incrementAndGet();
				}
				Thread.yield();
				if (index % 3 == 1 && failedOnce.putIfAbsent(e.id(), true) == null) {
					throw new IOException("downstream hiccup");
				}
				order.computeIfAbsent(key, (k) -> Collections.synchronizedList(new ArrayList<>())).add(index);
			}
			finally {
				inFlight.get(key).decrementAndGet();
			}
		}).build();
		for (int index = 0; index < perKey; index++) {
			for (int k = 0; k < keys; k++) {
				registry.enqueue(CompensationRequest.of("t", String.valueOf(index)).withOrderingKey("key-" + k));
			}
		}

		for (int pass = 0; pass < 50 && registry.counts().get(CompensationStatus.DONE) < keys * perKey; pass++) {
			registry.replayDue();
			this.clock.advance(Duration.ofSeconds(2)); // past the backoff of the failed entries
		}

		assertThat(registry.counts().get(CompensationStatus.DONE)).isEqualTo(keys * perKey);
		assertThat(barrierPassed).as("two keys replayed at the same time").hasValue(2);
		assertThat(overlapsWithinAKey).as("replays of one key running at the same time").hasValue(0);
		for (int k = 0; k < keys; k++) {
			assertThat(order.get("key-" + k)).as("key-%d", k).containsExactly(0, 1, 2, 3, 4, 5);
		}
	}

	@Test
	void stopWaitsForTheParallelReplaysInProgressAndStartsNoFurtherEntryAndEndsTheReplayThreads() throws Exception {
		CountDownLatch inReplay = new CountDownLatch(2);
		CountDownLatch release = new CountDownLatch(1);
		List<String> replayed = new java.util.concurrent.CopyOnWriteArrayList<>();
		for (int i = 1; i <= 3; i++) {
			this.store.enqueue(CompensationRequest.of("t", "[" + i + "]"), this.clock.instant());
		}
		List<Thread> before = threadsNamed("safemap-compensation-replay-");
		CompensationRegistry registry = builder().pollInterval(Duration.ofHours(1)).replayThreads(2)
			.handlers((t) -> (e) -> {
				inReplay.countDown();
				release.await();
				replayed.add(e.arguments());
			})
			.build();
		registry.start();
		assertThat(inReplay.await(30, TimeUnit.SECONDS)).isTrue();
		List<Thread> ours = new ArrayList<>(threadsNamed("safemap-compensation-replay-"));
		ours.removeAll(before);
		assertThat(ours).hasSize(2);
		Thread stopper = new Thread(registry::stop, "stopper");
		stopper.start();
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
		release.countDown();
		stopper.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(stopper.isAlive()).isFalse();
		assertThat(replayed).as("the two replays in progress finished; the third entry was not started")
			.containsExactlyInAnyOrder("[1]", "[2]");
		assertThat(ours).as("replay threads after stop").noneMatch(Thread::isAlive);

		this.clock.advance(Duration.ofMinutes(3));
		registry.replayDue();
		assertThat(replayed).containsExactlyInAnyOrder("[1]", "[2]", "[3]");
		registry.close();
		assertThat(threadsNamed("safemap-compensation-replay-")).as("replay threads after close")
			.allMatch(before::contains);
	}

	@Test
	void stopWhileReplayDueRunsOnAnotherThreadKeepsRenewingThatReplaysLeaseUntilItEnds() throws Exception {
		AtomicInteger renewals = new AtomicInteger();
		CompensationStore counted = StoreCalls.withClock(this.store, null, (method) -> {
			if (method.equals("renew")) {
				renewals.incrementAndGet();
			}
		});
		CountDownLatch inReplay = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompensationRegistry registry = CompensationRegistry.builder(counted)
			.clock(this.clock)
			.lease(Duration.ofMillis(300)) // renewed every 100 ms while the replay runs
			.handlers((t) -> (e) -> {
				inReplay.countDown();
				release.await();
			})
			.build();
		CompensationRegistry.Enqueued entry = registry.enqueue(CompensationRequest.of("t", "[]"));
		Thread manual = new Thread(registry::replayDue, "manual-pass");
		manual.start();
		assertThat(inReplay.await(30, TimeUnit.SECONDS)).isTrue();
		Thread stopper = new Thread(registry::stop, "stopper");
		stopper.start();
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.until(() -> stopper.getState() == Thread.State.TIMED_WAITING || !stopper.isAlive());
		int afterStop = renewals.get();
		org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(renewals.get()).as("renewals after stop()").isGreaterThan(afterStop + 1));
		release.countDown();
		manual.join(TimeUnit.SECONDS.toMillis(30));
		stopper.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(stopper.isAlive()).isFalse();
		assertThat(registry.find(entry.entry().id())).hasValueSatisfying(
				(e) -> assertThat(e.status()).isEqualTo(CompensationStatus.DONE));
		registry.close();
	}

	@Test
	void onePassAttemptsAFailingEntryOnceEvenWhenItsBackoffEndsBeforeTheNextClaim() {
		// a clock that moves 1 s at every reading: each claim of the pass finds the entry due again (backoff 1 s)
		Clock ticking = new Clock() {
			private final AtomicLong seconds = new AtomicLong();

			@Override
			public Instant instant() {
				return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(this.seconds.incrementAndGet());
			}

			@Override
			public java.time.ZoneId getZone() {
				return java.time.ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}
		};
		AtomicInteger attempts = new AtomicInteger();
		List<String> applied = new ArrayList<>();
		CompensationRegistry registry = builder().clock(ticking).maxAttempts(100).batchSize(2)
			.handlers((t) -> (e) -> {
				if (e.arguments().equals("[poison]")) {
					attempts.incrementAndGet();
					throw new IOException("down");
				}
				applied.add(e.arguments());
			})
			.build();
		CompensationRegistry.Enqueued poison = registry.enqueue(CompensationRequest.of("t", "[poison]"));
		registry.enqueue(CompensationRequest.of("t", "[ok]"));

		registry.replayDue();

		assertThat(attempts).as("attempts of the failing entry in one pass").hasValue(1);
		assertThat(applied).containsExactly("[ok]");
		assertThat(registry.find(poison.entry().id())).hasValueSatisfying((e) -> {
			assertThat(e.status()).isEqualTo(CompensationStatus.PENDING);
			assertThat(e.attempts()).isEqualTo(1);
		});
		registry.replayDue();
		assertThat(attempts).as("the next pass attempts it again").hasValue(2);
	}

	@Test
	void replayThreadsOutOfRangeAreRejectedWithTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> builder().replayThreads(0)).withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().replayThreads(65))
			.withMessageContaining("65");
	}

	private static List<Thread> threadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().startsWith(prefix) && t.isAlive())
			.toList();
	}

	@Test
	void badBuilderArgumentsAreRejectedWithTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> builder().maxAttempts(0)).withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().lease(Duration.ZERO))
			.withMessageContaining("PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> CompensationRequest.of(" ", "[]"))
			.withMessageContaining("' '");
	}

	private static List<Thread> workerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().startsWith("safemap-compensation-worker-") && t.isAlive())
			.toList();
	}

}
