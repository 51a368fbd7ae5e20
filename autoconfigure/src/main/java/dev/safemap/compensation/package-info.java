/**
 * Async compensation core: a durable queue for writes that could not reach their downstream.
 * <p>
 * A {@link dev.safemap.compensation.CompensationRegistry} (the service) sits on a
 * {@link dev.safemap.compensation.CompensationStore} (the storage SPI), in the way Spring Modulith's
 * event publication registry sits on its repository. The registry enqueues
 * {@link dev.safemap.compensation.CompensationRequest}s, claims due entries with a lease, replays them
 * through a {@link dev.safemap.compensation.CompensationHandler}, backs off with Resilience4j's
 * {@code IntervalFunction} and moves entries that keep failing to dead letters. Plain Java: no Spring
 * type is used here; the Spring glue lives in {@code dev.safemap.compensation.jdbc}, {@code dev.safemap.aop},
 * {@code dev.safemap.actuate.compensation} and {@code dev.safemap.autoconfigure.compensation}.
 */
@NullMarked
package dev.safemap.compensation;

import org.jspecify.annotations.NullMarked;
