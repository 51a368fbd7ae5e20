package dev.safemap.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Puts the maps of the test's application context under SafeMap's race detection and fails every
 * test method during which a race was reported.
 * <p>
 * On a Spring test ({@code @SpringBootTest} and other tests run by the {@code SpringExtension}) the
 * context starts with every map bean SafeMap guards in detect mode
 * ({@code safemap.guard.default-mode=detect}, per-map {@code guard} modes switched to {@code detect}),
 * and with non-final {@code Map} fields of singleton beans wrapped ({@code safemap.guard.fields=wrap}).
 * After each test method the races the context's {@code GuardedMapRegistry} recorded meanwhile are
 * reported: the map (bean or {@code bean.field}), the kind, the masked key, both call sites and both
 * threads, in the failure message and as JSON under {@code target/safemap-reports/}. In strict mode
 * (the default) a test also fails when a singleton bean keeps a mutable map in a field SafeMap could
 * not wrap, since races on it would go unseen.
 * <p>
 * A test class that is not a Spring test is checked against the {@code GuardedMapRegistry} held in one
 * of its fields (static or not).
 * <p>
 * The same check without the annotation, for all Spring tests of a project:
 * {@code safemap.test.race-check=fail} (or {@code warn}) in {@code src/test/resources/application.properties}
 * or {@code @SpringBootTest(properties = ...)}; {@code safemap.test.allow-maps},
 * {@code safemap.test.allow-sites} and {@code safemap.test.strict-fields} add to or override the
 * attributes below.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SafeMapRaceCheckExtension.class)
public @interface SafeMapRaceCheck {

	/**
	 * What a race does to the test; {@link Mode#DEFAULT} takes {@code safemap.test.race-check} and
	 * otherwise fails.
	 * @return the mode
	 */
	Mode mode() default Mode.DEFAULT;

	/**
	 * Names of maps whose races are known and accepted (bean names, or {@code bean.field} for fields);
	 * their reports are still written to the JSON file, marked allowed.
	 * @return the map names
	 */
	String[] allowMaps() default {};

	/**
	 * Call sites whose races are known and accepted: a race is allowed when either of its two sites
	 * matches an entry, given as a class ({@code com.acme.Warmup}), a method
	 * ({@code com.acme.Warmup.load}) or a line ({@code com.acme.Warmup.load:42}).
	 * @return the call sites
	 */
	String[] allowSites() default {};

	/**
	 * Whether a test fails when a singleton bean keeps a mutable, non-thread-safe map in a field SafeMap
	 * cannot wrap (final, or declared {@code HashMap}). {@code safemap.test.strict-fields=false} turns it
	 * off too.
	 * @return whether to fail on unwrappable map fields
	 */
	boolean strictFields() default true;

	/**
	 * What a race does to the test.
	 *
	 * @since 0.1.0
	 */
	enum Mode {

		/** {@code safemap.test.race-check} if set, otherwise {@link #FAIL}. */
		DEFAULT,

		/** The test fails with every race found during it. */
		FAIL,

		/** Races are logged at WARN and written as JSON; the test passes. */
		WARN,

		/** No race check: the maps keep the modes configured for the application. */
		OFF

	}

}
