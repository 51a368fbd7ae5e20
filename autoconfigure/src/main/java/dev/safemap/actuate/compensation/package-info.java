/**
 * The {@code compensations} actuator endpoint, Micrometer meters and the health indicator of the
 * compensation queue.
 */
@NullMarked
package dev.safemap.actuate.compensation;

import org.jspecify.annotations.NullMarked;
