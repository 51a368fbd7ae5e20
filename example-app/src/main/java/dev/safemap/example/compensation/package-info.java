/**
 * Async compensation demo: stock reservations are written to a switchable downstream through a
 * {@code @Compensable} client; while the downstream fails the writes are queued durably and they are
 * replayed, each applied once thanks to its idempotency key, when it recovers.
 */
@NullMarked
package dev.safemap.example.compensation;

import org.jspecify.annotations.NullMarked;
