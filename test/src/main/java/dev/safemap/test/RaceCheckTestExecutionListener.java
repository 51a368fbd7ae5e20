package dev.safemap.test;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Runs the race check for Spring tests that ask for it by property ({@code safemap.test.race-check=fail|warn})
 * without {@link SafeMapRaceCheck}; annotated classes are handled by {@link SafeMapRaceCheckExtension}.
 * Registered in {@code META-INF/spring.factories}. Thread-safety: stateless.
 */
final class RaceCheckTestExecutionListener implements TestExecutionListener, Ordered {

	private static final String SESSION = RaceCheckTestExecutionListener.class.getName() + ".session";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (RaceCheckSettings.findAnnotation(testContext.getTestClass()) != null || !testContext.hasApplicationContext()) {
			return;
		}
		RaceCheckSettings settings = RaceCheckSettings.resolve(null,
				testContext.getApplicationContext().getEnvironment());
		if (settings.mode() != SafeMapRaceCheck.Mode.OFF) {
			testContext.setAttribute(SESSION, SpringSupport.start(settings, testContext.getApplicationContext()));
		}
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		Object session = testContext.removeAttribute(SESSION);
		if (session instanceof RaceCheckSession raceCheck) {
			raceCheck.finish(testContext.getTestClass().getName(), testContext.getTestMethod().getName());
		}
	}

}
