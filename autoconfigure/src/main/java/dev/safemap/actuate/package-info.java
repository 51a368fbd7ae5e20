/**
 * Actuator endpoints, health indicators and Micrometer metrics of SafeMap's features.
 */
@NullMarked
package dev.safemap.actuate;

import org.jspecify.annotations.NullMarked;
