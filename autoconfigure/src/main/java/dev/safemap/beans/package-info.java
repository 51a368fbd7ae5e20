/**
 * Bean-factory glue of guarded maps: replaces shared {@code Map} beans by guarded wrappers and finds
 * unguarded mutable map fields of singletons at startup.
 */
@NullMarked
package dev.safemap.beans;

import org.jspecify.annotations.NullMarked;
