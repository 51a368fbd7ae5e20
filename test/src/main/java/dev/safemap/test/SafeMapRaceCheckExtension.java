package dev.safemap.test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;

import dev.safemap.guard.GuardedMapRegistry;
import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The JUnit Jupiter extension behind {@link SafeMapRaceCheck}: before each test method it starts
 * watching the race reports of the maps of the test's application context (or of the
 * {@link GuardedMapRegistry} held in a field of a plain test class), and after it fails the test, or
 * warns, when races were reported meanwhile. Uses only JUnit Jupiter API present since 5.10 (it runs
 * on JUnit 5.10+ and 6).
 * <p>
 * Register it with {@link SafeMapRaceCheck}; the annotation also tells the Spring test context to start
 * the maps in detect mode.
 * <p>
 * Thread-safety: stateless; per-test state lives in the JUnit extension store.
 *
 * @since 0.1.0
 */
public final class SafeMapRaceCheckExtension implements BeforeEachCallback, AfterEachCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(SafeMapRaceCheckExtension.class);

	private static final String SESSION = "session";

	@Override
	public void beforeEach(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		SafeMapRaceCheck annotation = RaceCheckSettings.findAnnotation(testClass);
		RaceCheckSession session;
		if (isSpringTest(testClass)) {
			ApplicationContext applicationContext = SpringExtension.getApplicationContext(context);
			RaceCheckSettings settings = RaceCheckSettings.resolve(annotation, applicationContext.getEnvironment());
			if (settings.mode() == SafeMapRaceCheck.Mode.OFF) {
				return;
			}
			session = SpringSupport.start(settings, applicationContext);
		}
		else {
			RaceCheckSettings settings = RaceCheckSettings.resolve(annotation, null);
			if (settings.mode() == SafeMapRaceCheck.Mode.OFF) {
				return;
			}
			GuardedMapRegistry registry = registryField(context);
			if (registry == null) {
				throw new AssertionError("SafeMap race check: " + testClass.getName() + " is not a Spring test and"
						+ " has no GuardedMapRegistry field to watch; give the test class a field holding the registry"
						+ " its detect-mode maps were built with.");
			}
			session = RaceCheckSession.start(settings, registry, List.of());
		}
		context.getStore(NAMESPACE).put(SESSION, session);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		RaceCheckSession session = context.getStore(NAMESPACE).remove(SESSION, RaceCheckSession.class);
		if (session != null) {
			session.finish(context.getRequiredTestClass().getName(), context.getRequiredTestMethod().getName());
		}
	}

	/** Whether the class, a superclass or an enclosing class is run by the SpringExtension. */
	static boolean isSpringTest(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			boolean spring = MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY)
				.stream(ExtendWith.class)
				.anyMatch((extendWith) -> List.of(extendWith.getClassArray("value")).contains(SpringExtension.class));
			if (spring) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable GuardedMapRegistry registryField(ExtensionContext context) {
		Optional<Object> instance = context.getTestInstance();
		for (Class<?> type = context.getRequiredTestClass(); type != null && type != Object.class;
				type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (!GuardedMapRegistry.class.isAssignableFrom(field.getType())) {
					continue;
				}
				boolean isStatic = Modifier.isStatic(field.getModifiers());
				if (!isStatic && instance.isEmpty()) {
					continue;
				}
				try {
					field.setAccessible(true);
					Object value = field.get(isStatic ? null : instance.get());
					if (value != null) {
						return (GuardedMapRegistry) value;
					}
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException("Cannot read " + field + " that was just made accessible", ex);
				}
			}
		}
		return null;
	}

}
