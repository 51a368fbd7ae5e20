package dev.safemap.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A race report of a detect- or watch-mode map (rate-limited as the reports are). */
@Name(SafeMapEvents.RACE)
@Label("Race Reported")
@Category({ "SafeMap", "Guarded Maps" })
@Description("Detect or watch mode reported an unsafe use of a map, with both call sites")
@StackTrace(false)
final class RaceReportedEvent extends Event {

	@Label("Map")
	String map;

	@Label("Mode")
	String mode;

	@Label("Kind")
	String kind;

	@Label("Operation")
	String operation;

	@Label("Key")
	String key;

	@Label("Call Site")
	String callSite;

	@Label("Other Call Site")
	String otherCallSite;

	@Label("Other Thread")
	String otherThread;

}
