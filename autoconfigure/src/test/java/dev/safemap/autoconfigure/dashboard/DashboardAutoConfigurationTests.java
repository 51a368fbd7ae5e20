package dev.safemap.autoconfigure.dashboard;

import java.util.List;
import java.util.function.Consumer;

import dev.safemap.actuate.dashboard.BreakerActivity;
import dev.safemap.actuate.dashboard.DashboardController;
import dev.safemap.actuate.dashboard.DashboardStream;
import dev.safemap.actuate.dashboard.LoopbackDashboardAccess;
import dev.safemap.actuate.dashboard.SpringSecurityDashboardAccess;
import dev.safemap.autoconfigure.breaker.BreakerAutoConfiguration;
import dev.safemap.autoconfigure.guard.GuardedMapAutoConfiguration;
import dev.safemap.autoconfigure.hotspots.HotspotsAutoConfiguration;
import dev.safemap.autoconfigure.hotspots.SafeMapsEndpointAutoConfiguration;
import dev.safemap.autoconfigure.masking.MaskingAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The dashboard's auto-configuration and access rules: off by default (no bean, no thread), served under the
 * management base path when on, loopback-only and read-only without Spring Security (a non-loopback or proxied
 * request is refused), and with Spring Security a view authority and an operate authority.
 */
class DashboardAutoConfigurationTests {

	private static final String PAGE = "/actuator/safemap-dashboard/";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MaskingAutoConfiguration.class, GuardedMapAutoConfiguration.class,
				HotspotsAutoConfiguration.class, EndpointAutoConfiguration.class,
				SafeMapsEndpointAutoConfiguration.class, BreakerAutoConfiguration.class, JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class, DashboardAutoConfiguration.class))
		.withUserConfiguration(DashboardManagementContextConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=safemaps");

	private final WebApplicationContextRunner withoutSecurity = this.runner
		.withClassLoader(new FilteredClassLoader(CsrfToken.class));

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void isOffByDefaultAndStartsNoThread() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(DashboardController.class)
				.doesNotHaveBean(DashboardStream.class)
				.doesNotHaveBean(BreakerActivity.class);
			assertThat(dashboardThreads()).isEmpty();
		});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DashboardAutoConfiguration.class))
			.withPropertyValues("safemap.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(BreakerActivity.class));
	}

	@Test
	void whenEnabledStartsNoThreadUntilAPageIsStreamed() {
		this.withoutSecurity.withPropertyValues("safemap.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(DashboardController.class).hasSingleBean(BreakerActivity.class);
			assertThat(context.getBean(DashboardStream.class).threadRunning()).isFalse();
			assertThat(dashboardThreads()).isEmpty();
		});
	}

	@Test
	void withoutSpringSecurityALoopbackClientSeesThePageWithAStrictContentSecurityPolicy() {
		this.withoutSecurity.withPropertyValues("safemap.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(LoopbackDashboardAccess.class);
			MockMvc mvc = mvc(context);
			mvc.perform(from("127.0.0.1", get(PAGE)))
				.andExpect(status().isOk())
				.andExpect(header().string("Content-Security-Policy",
						org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.containsString("frame-ancestors 'none'"),
								org.hamcrest.Matchers.containsString("script-src 'self'"),
								org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("unsafe-inline")))))
				.andExpect(content().string(org.hamcrest.Matchers.containsString("<script type=\"module\" src=\"dashboard.js\">")));
			mvc.perform(from("::1", get(PAGE + "api/snapshot")))
				.andExpect(status().isOk())
				.andExpect(content().string(org.hamcrest.Matchers.containsString("\"operate\":false")));
		});
	}

	@Test
	void withoutSpringSecurityANonLoopbackOrProxiedRequestIsRefused() {
		this.withoutSecurity.withPropertyValues("safemap.dashboard.enabled=true").run((context) -> {
			MockMvc mvc = mvc(context);
			for (String path : List.of(PAGE, PAGE + "dashboard.js", PAGE + "api/session", PAGE + "api/snapshot",
					PAGE + "api/stream")) {
				mvc.perform(from("203.0.113.7", get(path)))
					.andExpect(status().isForbidden())
					.andExpect(content().string(org.hamcrest.Matchers.containsString("loopback clients only")));
			}
			mvc.perform(from("127.0.0.1", get(PAGE + "api/snapshot")).header("X-Forwarded-For", "203.0.113.7"))
				.andExpect(status().isForbidden());
		});
	}

	@Test
	void withoutSpringSecurityALoopbackRequestNamingAnotherHostIsRefused() {
		// DNS rebinding: a page of attacker.example re-points its name at 127.0.0.1 and reads the dashboard from the
		// browser of someone on this machine; the connection is loopback, the Host header is not
		this.withoutSecurity.withPropertyValues("safemap.dashboard.enabled=true").run((context) -> {
			MockMvc mvc = mvc(context);
			mvc.perform(from("127.0.0.1", get(PAGE + "api/snapshot")).header("Host", "attacker.example:8080"))
				.andExpect(status().isForbidden())
				.andExpect(content().string(org.hamcrest.Matchers.containsString("attacker.example")));
			for (String host : List.of("localhost:8080", "127.0.0.1:8080", "[::1]:8080")) {
				mvc.perform(from("127.0.0.1", get(PAGE + "api/snapshot")).header("Host", host))
					.andExpect(status().isOk());
			}
		});
	}

	@Test
	void withoutSpringSecurityThePageIsReadOnlyEvenForLoopbackClients() {
		this.withoutSecurity.withPropertyValues("safemap.dashboard.enabled=true").run((context) -> {
			MockMvc mvc = mvc(context);
			mvc.perform(from("127.0.0.1", post(PAGE + "api/compensations/x/retry")).contentType("application/json")
				.content("{}")).andExpect(status().isForbidden())
				.andExpect(content().string(org.hamcrest.Matchers.containsString("read-only")));
		});
	}

	@Test
	void withSpringSecurityViewAndOperateAreSeparateConfigurableAuthorities() {
		this.runner
			.withPropertyValues("safemap.dashboard.enabled=true", "safemap.dashboard.view-authority=ROLE_WATCH",
					"safemap.dashboard.operate-authority=ROLE_FIX")
			.run((context) -> {
				assertThat(context).hasSingleBean(SpringSecurityDashboardAccess.class);
				MockMvc mvc = mvc(context);
				// nobody signed in: refused
				mvc.perform(from("127.0.0.1", get(PAGE))).andExpect(status().isForbidden());
				signIn("eve", "ROLE_OTHER");
				mvc.perform(from("127.0.0.1", get(PAGE + "api/snapshot")))
					.andExpect(status().isForbidden())
					.andExpect(content().string(org.hamcrest.Matchers.containsString("lacks authority 'ROLE_WATCH'")));
				signIn("vera", "ROLE_WATCH");
				// any address may view once signed in with the authority
				mvc.perform(from("203.0.113.7", get(PAGE + "api/session")))
					.andExpect(status().isOk())
					.andExpect(content().string(org.hamcrest.Matchers.containsString("\"operate\":false")));
				mvc.perform(from("203.0.113.7", post(PAGE + "api/compensations/x/retry")).contentType("application/json")
					.content("{}"))
					.andExpect(status().isForbidden())
					.andExpect(content().string(org.hamcrest.Matchers.containsString("not operate")));
			});
	}

	@Test
	void theStreamSendsASnapshotOnlyWhenTheDataChangedAndHeartbeatsOtherwise() {
		this.withoutSecurity
			.withPropertyValues("safemap.dashboard.enabled=true", "safemap.dashboard.heartbeat-interval=1ms")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				org.springframework.test.web.servlet.MvcResult result = mvc
					.perform(from("127.0.0.1", get(PAGE + "api/stream")))
					.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.request().asyncStarted())
					.andReturn();
				DashboardStream stream = context.getBean(DashboardStream.class);
				assertThat(stream.pages()).isEqualTo(1);
				assertThat(stream.threadRunning()).isTrue();
				// nothing changes in this application: one snapshot, then heartbeats (one per tick, as due every 1 ms)
				org.awaitility.Awaitility.await()
					.atMost(java.time.Duration.ofSeconds(60))
					.until(() -> count(result.getResponse().getContentAsString(), "event:heartbeat") >= 2);
				String sent = result.getResponse().getContentAsString();
				assertThat(count(sent, "event:snapshot")).isEqualTo(1);
				assertThat(sent).contains("retry:2000").contains("\"instance\":");
				context.getBean(DashboardStream.class).close();
				assertThat(stream.pages()).isZero();
			});
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

	private static void signIn(String name, String authority) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
					List.of(new SimpleGrantedAuthority(authority))));
	}

	private static MockHttpServletRequestBuilder from(String address, MockHttpServletRequestBuilder request) {
		Consumer<org.springframework.mock.web.MockHttpServletRequest> remote = (r) -> r.setRemoteAddr(address);
		return request.with((r) -> {
			remote.accept(r);
			return r;
		});
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	private static List<Thread> dashboardThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().startsWith("safemap-dashboard")).toList();
	}

}
