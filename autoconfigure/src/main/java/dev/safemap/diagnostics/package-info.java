/**
 * Startup diagnostics shared by every feature: the exception for a {@code safemap.*} property (or annotation
 * attribute) SafeMap cannot work with, and the failure analyzer that reports it with the property, the bad
 * value, the reason and the fix; and the exception and analyzer for a map SafeMap was asked to guard but cannot.
 */
@NullMarked
package dev.safemap.diagnostics;

import org.jspecify.annotations.NullMarked;
