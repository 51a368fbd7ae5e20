/**
 * Small plain-Java helpers shared by the SafeMap features (key masking). Nothing here depends on
 * Spring.
 */
@NullMarked
package dev.safemap.support;

import org.jspecify.annotations.NullMarked;
