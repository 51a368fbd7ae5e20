/**
 * Fallback cache demo: {@link dev.safemap.example.breaker.DownstreamController} plays a price
 * service that can be switched between healthy, slow and failing;
 * {@link dev.safemap.example.breaker.PriceService} calls it over HTTP behind
 * {@code @FallbackCached}; {@link dev.safemap.example.breaker.PriceController} shows each answer
 * with its source, age and the breaker's state.
 */
@NullMarked
package dev.safemap.example.breaker;

import org.jspecify.annotations.NullMarked;
