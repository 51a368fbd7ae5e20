package dev.safemap.test;

import java.util.List;

import dev.safemap.beans.GuardedMapBeanPostProcessor;
import dev.safemap.guard.GuardedMapRegistry;

import org.springframework.context.ApplicationContext;

/** Starts race-check sessions against a Spring application context. */
final class SpringSupport {

	private SpringSupport() {
	}

	static RaceCheckSession start(RaceCheckSettings settings, ApplicationContext context) {
		GuardedMapRegistry registry = context.getBeanProvider(GuardedMapRegistry.class).getIfAvailable();
		if (registry == null) {
			throw new AssertionError("SafeMap race check: the application context has no GuardedMapRegistry bean, so no"
					+ " map is watched. Put safemap-spring-boot-starter on the test classpath and leave"
					+ " safemap.guard.enabled at true, or turn the check off (safemap.test.race-check=off).");
		}
		GuardedMapBeanPostProcessor finder = context.getBeanProvider(GuardedMapBeanPostProcessor.class).getIfAvailable();
		List<String> unguarded = (finder != null) ? finder.unguardedFields() : List.of();
		return RaceCheckSession.start(settings, registry, unguarded);
	}

}
