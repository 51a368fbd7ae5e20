/**
 * Guarded maps: thread-safe wrappers for shared {@link java.util.Map}s, with a detect mode that
 * reports unsafe use like a race detector. Plain Java: nothing here depends on Spring.
 */
@NullMarked
package dev.safemap.guard;

import org.jspecify.annotations.NullMarked;
