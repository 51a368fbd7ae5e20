/**
 * Micrometer meters of request-context violations.
 */
@NullMarked
package dev.safemap.actuate.context;

import org.jspecify.annotations.NullMarked;
