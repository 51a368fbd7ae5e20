package dev.safemap.example.security;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The secure setup of the actuator endpoints: {@code /actuator/health} is open, every other endpoint is read
 * by role {@code VIEWER}, and whatever changes state (the {@code safemaps} reset, the {@code compensations}
 * retry and discard) needs role {@code OPERATOR}. Operator actions are kept in an in-memory audit event
 * repository, readable at {@code /actuator/auditevents}.
 * <p>
 * The two users are <strong>for the demo only</strong>: {@code viewer}/{@code viewer-demo} and
 * {@code operator}/{@code operator-demo}, with plain-text passwords. A real application takes its users from
 * its identity provider and keeps audit events somewhere durable.
 * <p>
 * The demo's own endpoints ({@code /guard}, {@code /hotspots}, {@code /prices}, {@code /demo}...) stay open, so
 * that the README's curl commands work as they are.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurityConfiguration {

	static final String VIEWER = "VIEWER";

	static final String OPERATOR = "OPERATOR";

	@Bean
	@Order(1)
	SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
		http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/actuator/**")
				.hasAnyRole(VIEWER, OPERATOR)
				.anyRequest()
				.hasRole(OPERATOR))
			.httpBasic(Customizer.withDefaults())
			// HTTP Basic on every request and no session: no cookie a cross-site request could ride on
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain demoEndpoints(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager demoUsers() {
		// demo only: plain-text passwords ({noop})
		return new InMemoryUserDetailsManager(
				User.withUsername("viewer").password("{noop}viewer-demo").roles(VIEWER).build(),
				User.withUsername("operator").password("{noop}operator-demo").roles(VIEWER, OPERATOR).build());
	}

	@Bean
	AuditEventRepository auditEventRepository() {
		return new InMemoryAuditEventRepository();
	}

}
