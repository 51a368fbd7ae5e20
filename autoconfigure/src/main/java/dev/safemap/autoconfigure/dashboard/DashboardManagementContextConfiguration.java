package dev.safemap.autoconfigure.dashboard;

import java.lang.management.ManagementFactory;

import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.actuate.dashboard.BreakerActivity;
import dev.safemap.actuate.dashboard.BreakerPanels;
import dev.safemap.actuate.dashboard.ContextPanels;
import dev.safemap.actuate.dashboard.DashboardAccess;
import dev.safemap.actuate.dashboard.DashboardController;
import dev.safemap.actuate.dashboard.DashboardData;
import dev.safemap.actuate.dashboard.DashboardStream;
import dev.safemap.actuate.dashboard.EndpointPanels;
import dev.safemap.actuate.dashboard.LoopbackDashboardAccess;
import dev.safemap.actuate.dashboard.SpringSecurityDashboardAccess;
import dev.safemap.actuate.dashboard.WriteTokens;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.autoconfigure.masking.SafeMapMaskingProperties;
import dev.safemap.breaker.FallbackCaches;
import dev.safemap.compensation.CompensationStore;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import dev.safemap.compensation.jdbc.LazyEmbeddedCompensationStore;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.PropertiesEndpointAccessResolver;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SafeMap dashboard's page, in the management context: in the application context when the management server
 * is the application's, in the management server's own context otherwise (its beans read the application's
 * endpoints, caches and meters from the parent). Listed in
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 * <p>
 * Thread-safety: used by the container during startup only.
 *
 * @since 0.1.0
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "safemap.dashboard.enabled")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Endpoint.class, SseEmitter.class, JsonMapper.class })
@EnableConfigurationProperties({ SafeMapDashboardProperties.class, SafeMapMaskingProperties.class })
class DashboardManagementContextConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DashboardData safemapDashboardData(SafeMapDashboardProperties properties, Environment environment,
			ObjectProvider<SafeMapsEndpoint> safeMaps, ObjectProvider<CompensationsEndpoint> compensations,
			ObjectProvider<CompensationStore> store, ObjectProvider<PanelSources> panels) {
		String instance = instanceName(properties, environment);
		DashboardData.Builder builder = DashboardData.builder(instance)
			.fleetDashboardUrl(properties.getFleetDashboardUrl());
		safeMaps.ifAvailable((endpoint) -> builder.maps(EndpointPanels.maps(endpoint, instance)));
		compensations.ifAvailable((endpoint) -> builder.compensations(EndpointPanels.compensations(endpoint,
				compensationScope(store.getIfAvailable(), instance), compensationsWritable(environment))));
		panels.orderedStream().forEach((source) -> source.apply(builder, instance));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	WriteTokens safemapDashboardWriteTokens() {
		return new WriteTokens();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DashboardStream safemapDashboardStream(DashboardData data, SafeMapDashboardProperties properties,
			ObjectProvider<JsonMapper> mapper) {
		JsonMapper json = mapper.getIfAvailable(() -> JsonMapper.builder().build());
		return InvalidSafeMapPropertyException.apply("safemap.dashboard.refresh-interval",
				properties.getRefreshInterval(),
				"Set safemap.dashboard.refresh-interval to 1s or more and safemap.dashboard.heartbeat-interval to a "
						+ "positive duration.",
				() -> new DashboardStream(data, json::writeValueAsString, properties.getRefreshInterval(),
						properties.getHeartbeatInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardController safemapDashboardController(DashboardAccess access, DashboardData data, DashboardStream stream,
			WriteTokens tokens, ObjectProvider<CompensationsEndpoint> compensations, Environment environment,
			ObjectProvider<JsonMapper> mapper) {
		JsonMapper json = mapper.getIfAvailable(() -> JsonMapper.builder().build());
		return new DashboardController(access, data, stream, tokens, compensations.getIfAvailable(),
				compensationsWritable(environment), json::writeValueAsString);
	}

	static String instanceName(SafeMapDashboardProperties properties, Environment environment) {
		String configured = properties.getInstanceName();
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		String application = environment.getProperty("spring.application.name");
		String process = ManagementFactory.getRuntimeMXBean().getName();
		return (application != null) ? application + " (" + process + ")" : process;
	}

	/** The queue is the fleet's when its store is PostgreSQL; the embedded H2 store is this instance's. */
	static String compensationScope(@Nullable CompensationStore store, String instance) {
		if (store instanceof JdbcCompensationStore jdbc && jdbc.isPostgreSql()) {
			return "shared PostgreSQL store: the queue of every instance using it (read by " + instance + ")";
		}
		if (store instanceof JdbcCompensationStore || store instanceof LazyEmbeddedCompensationStore) {
			return "embedded store of " + instance;
		}
		return (store != null) ? store.getClass().getSimpleName() + " store (read by " + instance + ")"
				: "store of " + instance;
	}

	static boolean compensationsWritable(Environment environment) {
		return new PropertiesEndpointAccessResolver(environment).accessFor(EndpointId.of("compensations"),
				Access.READ_ONLY) == Access.UNRESTRICTED;
	}

	/** Adds the panels whose libraries are optional. */
	@FunctionalInterface
	interface PanelSources {

		void apply(DashboardData.Builder builder, String instance);

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CircuitBreakerRegistry.class, FallbackCaches.class })
	static class BreakerPanelConfiguration {

		@Bean
		PanelSources safemapDashboardBreakerPanel(ObjectProvider<FallbackCaches> caches,
				ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<BreakerActivity> activity) {
			return (builder, instance) -> {
				FallbackCaches found = caches.getIfAvailable();
				BreakerActivity recorded = activity.getIfAvailable();
				if (found != null && recorded != null) {
					builder.breakers(BreakerPanels.of(found, breakers.getIfAvailable(), recorded, instance));
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.micrometer.core.instrument.MeterRegistry",
			"dev.safemap.actuate.context.ContextViolationMetrics" })
	static class ContextPanelConfiguration {

		@Bean
		PanelSources safemapDashboardContextPanel(ObjectProvider<MeterRegistry> registry) {
			return (builder, instance) -> {
				MeterRegistry found = registry.getIfUnique();
				if (found != null) {
					builder.context(ContextPanels.of(found, instance));
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.web.csrf.CsrfToken")
	static class SpringSecurityAccessConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DashboardAccess safemapDashboardAccess(SafeMapDashboardProperties properties,
				SafeMapMaskingProperties masking) {
			return new SpringSecurityDashboardAccess(properties.getViewAuthority(), properties.getOperateAuthority(),
					masking.getRoles());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.security.web.csrf.CsrfToken")
	static class LoopbackAccessConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DashboardAccess safemapDashboardAccess(SafeMapMaskingProperties masking) {
			return new LoopbackDashboardAccess(masking.getRoles());
		}

	}

}
