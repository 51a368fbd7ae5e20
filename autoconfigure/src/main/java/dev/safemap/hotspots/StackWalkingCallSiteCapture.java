package dev.safemap.hotspots;

import java.util.Optional;
import java.util.function.Supplier;

import dev.safemap.guard.CallSite;

/**
 * Finds the caller's first stack frame outside SafeMap, Spring, the JDK and common proxy and
 * reflection machinery.
 * <p>
 * Thread-safe and stateless.
 */
enum StackWalkingCallSiteCapture implements Supplier<CallSite> {

	INSTANCE;

	private static final String[] SKIPPED_PREFIXES = { "dev.safemap.guard.", "dev.safemap.hotspots.",
			"dev.safemap.support.", "dev.safemap.autoconfigure.", "dev.safemap.actuate.", "java.", "javax.", "jdk.",
			"sun.", "com.sun.", "org.springframework.", "jakarta.", "org.aopalliance.", "net.bytebuddy." };

	private static final StackWalker WALKER = StackWalker.getInstance();

	@Override
	public CallSite get() {
		try {
			Optional<CallSite> site = WALKER.walk((frames) -> frames.filter((frame) -> isApplication(frame.getClassName()))
				.findFirst()
				.map((frame) -> new CallSite(frame.getClassName(), frame.getMethodName(), frame.getLineNumber())));
			return site.orElse(CallSite.UNKNOWN);
		}
		catch (RuntimeException ex) {
			return CallSite.UNKNOWN;
		}
	}

	static boolean isApplication(String className) {
		for (String prefix : SKIPPED_PREFIXES) {
			if (className.startsWith(prefix)) {
				return false;
			}
		}
		// CGLIB and JDK proxies
		return !className.contains("$$") && !className.startsWith("$Proxy");
	}

}
