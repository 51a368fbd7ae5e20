/**
 * Race checks for the tests of applications that use SafeMap: {@link dev.safemap.test.SafeMapRaceCheck}
 * (JUnit Jupiter extension and Spring test integration), {@link dev.safemap.test.Concurrently} (a barrier-based
 * concurrency driver) and {@link dev.safemap.test.RaceWatch} (race reports recorded while code ran). Test scope
 * only.
 */
@NullMarked
package dev.safemap.test;

import org.jspecify.annotations.NullMarked;
