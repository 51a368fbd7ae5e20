/**
 * SafeMap's JDK Flight Recorder events: contended map operations, race reports, fallbacks served,
 * breaker transitions and the compensation queue's enqueues, replays and dead letters. Plain Java
 * ({@code jdk.jfr}), nothing here depends on Spring.
 * <p>
 * Every event is cheap when no recording asks for it: {@link SafeMapEvents} checks
 * {@code isEnabled()} (and, for contended operations, {@code shouldCommit()} with the wait threshold)
 * before it masks a key, captures a call site or builds a string. The thresholds ship in
 * {@value SafeMapFlightRecorder#SETTINGS_RESOURCE}, read with {@link SafeMapFlightRecorder#configuration()}.
 */
@NullMarked
package dev.safemap.jfr;

import org.jspecify.annotations.NullMarked;
