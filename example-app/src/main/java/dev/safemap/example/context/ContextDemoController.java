package dev.safemap.example.context;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.safemap.context.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows the request context arriving on other threads:
 * {@code curl -H 'X-Request-Id: demo-1' -H 'X-Tenant-Id: acme' localhost:8080/context/demo}
 * answers with the request id each hop saw, and the log shows the same id (from the MDC) on the
 * request thread, on the {@code @Async} thread and on Reactor's parallel scheduler.
 */
@RestController
class ContextDemoController {

	private static final Logger logger = LoggerFactory.getLogger(ContextDemoController.class);

	private final ContextDemoAsyncService asyncService;

	ContextDemoController(ContextDemoAsyncService asyncService) {
		this.asyncService = asyncService;
	}

	@GetMapping("/context/demo")
	Map<String, Object> demo() {
		RequestContext context = RequestContext.current();
		logger.info("request thread {} has keys {}", Thread.currentThread().getName(), context.keys());
		Map<String, Object> seen = new LinkedHashMap<>();
		seen.put("requestThread", context.requestId().orElse("none"));
		seen.put("asyncMethod", this.asyncService.audit("demo").join());
		seen.put("reactiveCall", reactiveLookup().block());
		seen.put("tenant", context.getOrDefault("x-tenant-id", "none"));
		seen.put("route", context.getOrDefault("route", "none"));
		return seen;
	}

	/** A reactive call made from Spring MVC and returned as a Mono: no blocking, same context. */
	@GetMapping("/context/reactive")
	Mono<String> reactive() {
		return reactiveLookup();
	}

	private Mono<String> reactiveLookup() {
		return Mono.just("lookup")
			.publishOn(Schedulers.parallel())
			.map((name) -> {
				// Reactor's automatic context propagation restores the context (and MDC) on this thread
				logger.info("reactive {} on {}", name, Thread.currentThread().getName());
				return RequestContext.current().requestId().orElse("none");
			});
	}

}
