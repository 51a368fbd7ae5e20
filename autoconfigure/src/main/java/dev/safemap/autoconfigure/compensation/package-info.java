/**
 * Spring glue of the compensation queue: the JDBC store (embedded H2 or the application's
 * {@code DataSource}), the {@code @Compensable} annotation and its interceptor, replay through the
 * Resilience4j circuit breaker, and the {@code Idempotency-Key} HTTP interceptor.
 */
@NullMarked
package dev.safemap.autoconfigure.compensation;

import org.jspecify.annotations.NullMarked;
