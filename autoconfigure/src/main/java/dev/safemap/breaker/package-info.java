/**
 * Fallback cache behind a Resilience4j circuit breaker, in plain Java.
 * <p>
 * A {@link dev.safemap.breaker.FallbackCache} puts a downstream call behind a
 * {@code CircuitBreaker} (and, for asynchronous calls, a {@code TimeLimiter}) and keeps the last
 * known good answer per key in a {@link dev.safemap.breaker.FallbackStore}. When the downstream
 * fails, times out or its circuit is open, the last known good value is served if it is younger
 * than the maximum staleness; otherwise the original exception is rethrown. Null, empty and
 * rejected values are never stored as valid answers. Concurrent misses for one key share a single
 * downstream call, and values older than the refresh age are served at once while one background
 * refresh per key runs.
 * <p>
 * This package does not depend on Spring; the Spring glue (annotation, properties, storage through
 * Spring's cache abstraction, metrics and health) lives in {@code dev.safemap.breaker.cache}, {@code dev.safemap.aop}, {@code dev.safemap.actuate.breaker} and
 * {@code dev.safemap.autoconfigure.breaker}.
 */
@NullMarked
package dev.safemap.breaker;

import org.jspecify.annotations.NullMarked;
