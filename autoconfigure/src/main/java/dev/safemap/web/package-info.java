/**
 * Web glue: the request-context filters (servlet and reactive) that build each request's
 * {@code RequestContext}, and the {@code Idempotency-Key} client interceptors ({@code RestClient}, {@code WebClient}).
 */
@NullMarked
package dev.safemap.web;

import org.jspecify.annotations.NullMarked;
