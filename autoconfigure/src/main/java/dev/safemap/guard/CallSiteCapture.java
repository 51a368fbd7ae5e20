package dev.safemap.guard;

import java.security.CodeSource;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Finds the application's call site on the current stack with a {@link StackWalker}: the first frame
 * whose class is not part of SafeMap's own implementation, Spring, the JDK or a generated proxy.
 * <p>
 * SafeMap's implementation is recognised by package <em>and</em> code source: a class is skipped when it is
 * in one of SafeMap's library packages and was loaded from the jar or directory SafeMap's classes were
 * loaded from. Classes of other code sources in those packages (SafeMap's own tests) and classes in any
 * other package (an application, even one shaded into the same jar) count as application code. The decision is cached
 * per class in a {@link ClassValue}; frames are materialised lazily, so a capture costs a few
 * microseconds. Thread-safe.
 */
final class CallSiteCapture {

	private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

	private static final @Nullable String SAFEMAP_CODE_SOURCE = codeSourceOf(CallSiteCapture.class);

	/** The packages of SafeMap's library (with their sub-packages). */
	private static final Set<String> LIBRARY_PACKAGES = Set.of("dev.safemap.guard", "dev.safemap.hotspots",
			"dev.safemap.breaker", "dev.safemap.compensation", "dev.safemap.context", "dev.safemap.aop",
			"dev.safemap.web", "dev.safemap.beans", "dev.safemap.actuate", "dev.safemap.autoconfigure", "dev.safemap.diagnostics",
			"dev.safemap.support", "dev.safemap.jfr");

	private static final String[] FRAMEWORK_PREFIXES = { "java.", "javax.", "jdk.", "sun.", "com.sun.",
			"org.springframework.", "jakarta.", "org.apache.catalina.", "org.apache.tomcat.", "org.apache.coyote.",
			"io.micrometer.", "io.github.resilience4j.", "com.github.benmanes.caffeine.", "reactor.", "org.aspectj.",
			"kotlin.", "net.bytebuddy.", "org.jetbrains.lincheck.", "org.junit.", "org.openjdk.jmh." };

	private static final ClassValue<Boolean> SKIPPED = new ClassValue<>() {
		@Override
		protected Boolean computeValue(Class<?> type) {
			return isSkipped(type);
		}
	};

	private CallSiteCapture() {
	}

	static CallSite capture() {
		try {
			Optional<StackWalker.StackFrame> frame = WALKER
				.walk((frames) -> frames.filter((f) -> !SKIPPED.get(f.getDeclaringClass())).findFirst());
			return frame.map((f) -> new CallSite(f.getClassName(), f.getMethodName(), f.getLineNumber()))
				.orElse(CallSite.UNKNOWN);
		}
		catch (RuntimeException ex) {
			return CallSite.UNKNOWN;
		}
	}

	private static boolean isSkipped(Class<?> type) {
		String name = type.getName();
		if (name.contains("$$") || name.startsWith("jdk.proxy") || name.startsWith("com.sun.proxy")
				|| type.isHidden()) {
			return true; // CGLIB and JDK proxies, lambda forms
		}
		for (String prefix : FRAMEWORK_PREFIXES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return isLibraryPackage(type.getPackageName()) && SAFEMAP_CODE_SOURCE != null
				&& SAFEMAP_CODE_SOURCE.equals(codeSourceOf(type));
	}

	static boolean isLibraryPackage(String packageName) {
		for (String library : LIBRARY_PACKAGES) {
			if (packageName.equals(library) || packageName.startsWith(library + ".")) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable String codeSourceOf(Class<?> type) {
		try {
			CodeSource source = type.getProtectionDomain().getCodeSource();
			return (source != null && source.getLocation() != null) ? Objects.toString(source.getLocation()) : null;
		}
		catch (SecurityException ex) {
			return null;
		}
	}

}
