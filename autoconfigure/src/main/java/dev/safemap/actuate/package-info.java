/**
 * Actuator and Micrometer glue of SafeMap's features, one sub-package per feature.
 */
@NullMarked
package dev.safemap.actuate;

import org.jspecify.annotations.NullMarked;
