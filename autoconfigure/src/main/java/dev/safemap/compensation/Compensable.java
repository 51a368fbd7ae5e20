package dev.safemap.compensation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a write whose effect may be deferred: the call runs through the Resilience4j circuit
 * breaker named {@link #name()}; when it fails with one of the {@link #on()} exceptions, or the breaker
 * refuses it, the invocation (bean, method, arguments as JSON, idempotency key, request context) is stored
 * durably and the caller continues. The stored call is replayed in the background, through the same
 * breaker, until it succeeds or goes to dead letters.
 * <p>
 * The method must return {@code void} or {@code CompletableFuture<Void>} (completed when the call
 * succeeds, directly or by a replay in this process); anything else fails startup, since a deferred call
 * has no result to return. Every argument must be serializable to JSON and readable back into its
 * parameter type.
 * {@snippet :
 * @Compensable(name = "inventory", key = "#order.id", orderingKey = "#order.sku")
 * public void reserve(Order order) {
 *     restClient.post().uri("/reservations").body(order).retrieve().toBodilessEntity();
 * }
 * }
 * <p>
 * Thread-safety: annotations are immutable and thread-safe.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Compensable {

	/**
	 * Name of the circuit breaker the call (and its replays) go through, as configured under
	 * {@code resilience4j.circuitbreaker.instances.<name>}.
	 * @return the breaker name
	 */
	String name();

	/**
	 * SpEL expression over the arguments ({@code #paramName}, {@code #p0}, {@code #a0}) giving the idempotency
	 * key; empty for a random UUID per call. Enqueueing a key that is already waiting stores nothing new.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * SpEL expression over the arguments giving the ordering key: stored calls with the same ordering key
	 * replay one at a time in call order. Empty: the idempotency key (no ordering between calls).
	 * @return the ordering key expression
	 */
	String orderingKey() default "";

	/**
	 * Failures that mean "the downstream did not take the write": the call is stored instead of failing.
	 * A refusal by the open breaker always counts. Other exceptions propagate to the caller.
	 * @return the exception types
	 */
	Class<? extends Throwable>[] on() default { Exception.class };

}
