/**
 * Spring Boot auto-configuration for SafeMap: one {@code *AutoConfiguration} per feature, the
 * {@code safemap.*} configuration properties, and the startup failure analysis for bad values.
 */
@NullMarked
package dev.safemap.autoconfigure;

import org.jspecify.annotations.NullMarked;
