/**
 * ArchUnit rules for shared maps ({@link dev.safemap.test.arch.SafeMapArchRules}); needs ArchUnit on the test
 * classpath.
 */
@NullMarked
package dev.safemap.test.arch;

import org.jspecify.annotations.NullMarked;
