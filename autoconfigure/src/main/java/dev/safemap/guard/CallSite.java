package dev.safemap.guard;

import java.util.Objects;

/**
 * A place in the application's code: the first stack frame outside SafeMap, Spring and the JDK.
 * <p>
 * Instances are immutable and thread-safe; {@link #capture()} may be called from any thread.
 *
 * @param className the fully qualified class name
 * @param methodName the method name
 * @param lineNumber the line number, or a negative number when unknown
 * @since 0.1.0
 */
public record CallSite(String className, String methodName, int lineNumber) {

	/** A call site that could not be determined. */
	public static final CallSite UNKNOWN = new CallSite("unknown", "unknown", -1);

	public CallSite {
		Objects.requireNonNull(className, "className must not be null");
		Objects.requireNonNull(methodName, "methodName must not be null");
	}

	/**
	 * Captures the calling application code's site: the first frame on the current thread's stack
	 * outside SafeMap's implementation, Spring, the JDK and generated proxies. Cheap enough for
	 * sampled calls (a lazy {@link StackWalker} walk with a per-class cache), not for every call of a
	 * hot path.
	 * @return the call site, or {@link #UNKNOWN} when the stack holds no application frame
	 * @since 0.1.0
	 */
	public static CallSite capture() {
		return CallSiteCapture.capture();
	}

	@Override
	public String toString() {
		return this.className + "." + this.methodName + ((this.lineNumber >= 0) ? ":" + this.lineNumber : "");
	}

}
