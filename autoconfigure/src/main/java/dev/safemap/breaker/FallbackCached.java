package dev.safemap.breaker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a method behind a fallback cache: a Resilience4j circuit breaker named like the cache
 * (configured through {@code resilience4j.circuitbreaker.instances.<name>.*}) and the last known
 * good answer per key, served when the method fails, times out or its circuit is open, within the
 * staleness budget set by {@code safemap.breaker.caches.<name>.*}.
 * <p>
 * Supported return types: plain values, {@code Optional}, {@code CompletableFuture} /
 * {@code CompletionStage} (limited by the Resilience4j time limiter of the same name) and Reactor
 * {@code Mono}. Annotate the implementation method of a Spring bean (the annotation is applied by
 * Spring AOP, so self-invocation is not intercepted).
 * {@snippet :
 * @FallbackCached(name = "prices", key = "#symbol")
 * public Price price(String symbol) {
 *     return restClient.get().uri("/prices/{s}", symbol).retrieve().body(Price.class);
 * }
 * }
 * <p>
 * Thread-safety: annotations are immutable; the cache behind the method is thread-safe.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FallbackCached {

	/**
	 * Name of the fallback cache and of its circuit breaker and time limiter.
	 * @return the cache name
	 */
	String name();

	/**
	 * SpEL expression computing the key from the method arguments, as in Spring's
	 * {@code @Cacheable(key = ...)} ({@code #paramName}, {@code #p0}, {@code #root.args[0]}).
	 * Empty (the default) uses all arguments, like Spring's {@code SimpleKeyGenerator}.
	 * @return the key expression
	 */
	String key() default "";

}
