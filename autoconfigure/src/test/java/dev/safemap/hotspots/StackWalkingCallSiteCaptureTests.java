package dev.safemap.hotspots;

import org.junit.jupiter.api.Test;

import dev.safemap.guard.CallSite;

import static org.assertj.core.api.Assertions.assertThat;

class StackWalkingCallSiteCaptureTests {

	@Test
	void skipsSafeMapSpringAndJdkFrames() {
		assertThat(StackWalkingCallSiteCapture.isApplication("dev.safemap.guard.GuardedMap")).isFalse();
		assertThat(StackWalkingCallSiteCapture.isApplication("org.springframework.aop.Foo")).isFalse();
		assertThat(StackWalkingCallSiteCapture.isApplication("java.util.HashMap")).isFalse();
		assertThat(StackWalkingCallSiteCapture.isApplication("com.example.Shop$$SpringCGLIB$$0")).isFalse();
		assertThat(StackWalkingCallSiteCapture.isApplication("com.example.Shop")).isTrue();
		assertThat(StackWalkingCallSiteCapture.isApplication("dev.safemap.example.hotspots.LoadController")).isTrue();
	}

	@Test
	void capturesTheFirstApplicationFrame() {
		// this test class lives in dev.safemap.hotspots, which is skipped: the first application
		// frame is JUnit's, which proves the walk goes past SafeMap and JDK frames
		CallSite site = StackWalkingCallSiteCapture.INSTANCE.get();
		assertThat(site.className()).startsWith("org.junit.");
		assertThat(site.lineNumber()).isPositive();
	}

}
