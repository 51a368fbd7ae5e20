package dev.safemap.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.SettingDefinition;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A keyed write of a guarded map that waited for another write on its stripe. Disabled unless a
 * recording enables it; committed only when the wait reaches the {@code waitThreshold} setting.
 * Thread-confined, as every event object.
 */
@Name(SafeMapEvents.CONTENDED)
@Label("Contended Map Operation")
@Category({ "SafeMap", "Guarded Maps" })
@Description("A guarded map's write waited for another write of its stripe: map, masked key, call site and wait")
@Enabled(false)
@StackTrace(false)
final class ContendedOperationEvent extends Event {

	@Label("Map")
	String map;

	@Label("Operation")
	String operation;

	@Label("Key")
	@Description("The key, masked with the application's key masker unless keys are shown")
	String key;

	@Label("Call Site")
	String callSite;

	@Label("Wait")
	@Timespan(Timespan.NANOSECONDS)
	long waitNanos;

	@Label("Wait Threshold")
	@Description("Shortest wait recorded")
	@SettingDefinition
	@Name("waitThreshold")
	protected boolean waitThreshold(WaitThresholdSetting setting) {
		return this.waitNanos >= setting.nanos();
	}

}
