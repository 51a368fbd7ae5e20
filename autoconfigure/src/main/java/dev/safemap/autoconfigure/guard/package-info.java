/**
 * Auto-configuration and properties ({@code safemap.guard.*}) of guarded map beans.
 */
@NullMarked
package dev.safemap.autoconfigure.guard;

import org.jspecify.annotations.NullMarked;
