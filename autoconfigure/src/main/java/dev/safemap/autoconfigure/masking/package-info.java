/**
 * Auto-configuration and properties ({@code safemap.masking.*}) of key masking: the one switch that decides where
 * map keys, compensation keys and arguments are shown as they are, and the secret of the masks.
 */
@NullMarked
package dev.safemap.autoconfigure.masking;

import org.jspecify.annotations.NullMarked;
