/**
 * Request context: an immutable, bounded and sanitized map of request values
 * ({@link dev.safemap.context.RequestContext}) that is built once when a request enters and then
 * carried, by reference, to every thread that works for the request, through Micrometer
 * context-propagation ({@link dev.safemap.context.RequestContextAccessor}).
 * <p>
 * Plain Java: nothing here depends on Spring. {@code RequestContext} itself needs only the JDK and
 * SLF4J (for the MDC mirror); the classes that use {@code io.micrometer.context}
 * ({@link dev.safemap.context.RequestContextAccessor}, {@link dev.safemap.context.SafeMapContext})
 * are kept apart so that the library is optional.
 */
@NullMarked
package dev.safemap.context;

import org.jspecify.annotations.NullMarked;
