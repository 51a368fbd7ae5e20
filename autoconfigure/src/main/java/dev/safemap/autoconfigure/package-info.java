/**
 * Spring Boot auto-configuration for SafeMap: one sub-package per feature with its {@code *AutoConfiguration} and
 * {@code safemap.*} properties; here, the startup failure analysis for bad values shared by all.
 */
@NullMarked
package dev.safemap.autoconfigure;

import org.jspecify.annotations.NullMarked;
