package com.example.shop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a map field the team checked by hand (SafeMapArchRules accepts any annotation with this simple
 * name; the test artifact itself is never on the main classpath).
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface SafeMapAccepted {

	/** Why the field is safe. */
	String value();

}
