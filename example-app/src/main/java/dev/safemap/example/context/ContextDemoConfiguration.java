package dev.safemap.example.context;

import dev.safemap.context.RequestContextCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Request-context demo: {@code @Async} switched on, and one customizer that adds the route of
 * each request to its context (headers and the request id come from {@code safemap.context.*}).
 */
@Configuration(proxyBeanMethods = false)
@EnableAsync
class ContextDemoConfiguration {

	@Bean
	RequestContextCustomizer routeCustomizer() {
		return (context, request) -> context.put("route", request.method() + " " + request.path());
	}

}
