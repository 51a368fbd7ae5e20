package dev.safemap.breaker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link FallbackContext} lets a thread see of a fallback cache's last answer: never the answer of an earlier
 * task on the same pooled thread.
 */
class FallbackContextTests {

	private final ExecutorService singleThread = Executors.newSingleThreadExecutor();

	private final FallbackCache<String, String> profiles = FallbackCache
		.<String, String>builder("profiles", CircuitBreaker.ofDefaults("profiles"))
		.build();

	@AfterEach
	void stop() throws InterruptedException {
		this.singleThread.shutdownNow();
		assertThat(this.singleThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aTaskOnAPooledThreadDoesNotSeeTheAnswerOfTheTaskBeforeIt() throws Exception {
		String firstValue = this.singleThread.submit(() -> this.profiles.call("user-a", () -> "profile of user A"))
			.get(10, TimeUnit.SECONDS);
		assertThat(firstValue).isEqualTo("profile of user A");
		FallbackResult<?> seenBySecondTask = this.singleThread.submit(FallbackContext::lastAnswer)
			.get(10, TimeUnit.SECONDS);
		assertThat(seenBySecondTask).as("the first task's answer, seen by the second").isNull();
	}

	@Test
	void anAnswerIsSeenInTheScopeItWasGivenInAndForgottenWhenTheScopeCloses() {
		FallbackContext.Scope scope = FallbackContext.open();
		try (scope) {
			this.profiles.call("user-a", () -> "profile of user A");
			assertThat(FallbackContext.lastAnswer()).isSameAs(scope.lastAnswer());
			assertThat(scope.lastAnswer().value()).isEqualTo("profile of user A");
			assertThat(scope.lastAnswer().source()).isEqualTo(FallbackResult.Source.FRESH);
		}
		assertThat(scope.lastAnswer()).isNull();
		assertThat(FallbackContext.lastAnswer()).isNull();
	}

	@Test
	void anInnerScopeKeepsItsOwnAnswerAndClosingItRestoresTheOuterOne() {
		try (FallbackContext.Scope outer = FallbackContext.open()) {
			this.profiles.call("user-a", () -> "profile of user A");
			try (FallbackContext.Scope inner = FallbackContext.open()) {
				assertThat(FallbackContext.lastAnswer()).isNull();
				this.profiles.call("user-b", () -> "profile of user B");
				assertThat(FallbackContext.lastAnswer().value()).isEqualTo("profile of user B");
			}
			assertThat(FallbackContext.lastAnswer().value()).isEqualTo("profile of user A");
		}
		assertThat(FallbackContext.lastAnswer()).isNull();
	}

	@Test
	void closingAnOuterScopeAlsoEndsAnInnerScopeLeftOpen() {
		FallbackContext.Scope outer = FallbackContext.open();
		FallbackContext.open();
		this.profiles.call("user-a", () -> "profile of user A");
		outer.close();
		assertThat(FallbackContext.lastAnswer()).isNull();
	}

	@Test
	void aScopeClosedOnAnotherThreadIsRefused() throws Exception {
		try (FallbackContext.Scope scope = FallbackContext.open()) {
			Throwable failure = this.singleThread.submit(() -> {
				try {
					scope.close();
					return null;
				}
				catch (IllegalStateException ex) {
					return ex;
				}
			}).get(10, TimeUnit.SECONDS);
			assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("thread");
		}
	}

}
