/**
 * Spring AOP for SafeMap's annotations: the {@code @FallbackCached} aspect and the {@code @Compensable}
 * interceptor, the validation of annotated methods at startup, and the replay of stored calls on their beans.
 */
@NullMarked
package dev.safemap.aop;

import org.jspecify.annotations.NullMarked;
