package dev.safemap.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fallback cache's circuit breaker changed state. */
@Name(SafeMapEvents.BREAKER)
@Label("Breaker Transition")
@Category({ "SafeMap", "Fallback Cache" })
@Description("A circuit breaker of a fallback cache changed state")
@StackTrace(false)
final class BreakerTransitionEvent extends Event {

	@Label("Breaker")
	String breaker;

	@Label("From")
	String from;

	@Label("To")
	String to;

}
