package dev.safemap.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A fallback cache served its last known good value instead of the downstream's answer. */
@Name(SafeMapEvents.FALLBACK)
@Label("Fallback Served")
@Category({ "SafeMap", "Fallback Cache" })
@Description("A fallback cache served the last known good value: its age and why")
@StackTrace(false)
final class FallbackServedEvent extends Event {

	@Label("Cache")
	String cache;

	@Label("Key")
	String key;

	@Label("Age")
	@Timespan(Timespan.MILLISECONDS)
	long age;

	@Label("Reason")
	@Description("The downstream failure's class, or that the circuit breaker was open")
	String reason;

}
