/**
 * Contention hotspots: cheap, always-on accounting of what happens to each guarded map
 * (operations, contended operations, wait times, hot keys, contended call sites and race
 * reports) in bounded memory, whatever the number of distinct keys.
 * <p>
 * {@link dev.safemap.hotspots.Hotspots} is a {@link dev.safemap.guard.MapObserverFactory}: each
 * guarded map gets its own {@link dev.safemap.guard.MapObserver}, and
 * {@link dev.safemap.hotspots.Hotspots#report(String, boolean)} turns what it saw into an immutable
 * {@link dev.safemap.hotspots.HotspotReport}. Keys are shown masked unless the caller asks
 * otherwise. Plain Java: nothing here depends on Spring.
 */
@NullMarked
package dev.safemap.hotspots;

import org.jspecify.annotations.NullMarked;
