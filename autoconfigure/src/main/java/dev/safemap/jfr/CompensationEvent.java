package dev.safemap.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The compensation queue's events: one class per event type, the same fields. */
final class CompensationEvent {

	private CompensationEvent() {
	}

	@Name(SafeMapEvents.COMPENSATION_QUEUED)
	@Label("Compensation Queued")
	@Category({ "SafeMap", "Compensation" })
	@Description("A write was queued for replay (created=false: its idempotency key was already waiting)")
	@StackTrace(false)
	static final class Queued extends Event {

		@Label("Id")
		String id;

		@Label("Target")
		String target;

		@Label("Key")
		@Description("The idempotency key, masked")
		String key;

		@Label("Created")
		boolean created;

	}

	@Name(SafeMapEvents.COMPENSATION_REPLAYED)
	@Label("Compensation Replayed")
	@Category({ "SafeMap", "Compensation" })
	@Description("A queued write was replayed successfully")
	@StackTrace(false)
	static final class Replayed extends Event {

		@Label("Id")
		String id;

		@Label("Target")
		String target;

		@Label("Key")
		String key;

		@Label("Attempts Before")
		int attempts;

		@Label("Lag")
		@Description("From the enqueue to the successful replay")
		@Timespan(Timespan.MILLISECONDS)
		long lag;

	}

	@Name(SafeMapEvents.COMPENSATION_DEAD)
	@Label("Compensation Dead-Lettered")
	@Category({ "SafeMap", "Compensation" })
	@Description("A queued write was moved to dead letters")
	@StackTrace(false)
	static final class DeadLettered extends Event {

		@Label("Id")
		String id;

		@Label("Target")
		String target;

		@Label("Key")
		String key;

		@Label("Attempts")
		int attempts;

		@Label("Reason")
		String reason;

	}

}
