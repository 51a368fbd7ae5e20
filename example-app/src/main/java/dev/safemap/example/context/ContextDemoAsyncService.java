package dev.safemap.example.context;

import java.util.concurrent.CompletableFuture;

import dev.safemap.context.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/**
 * Runs on Spring Boot's task executor: the request context (and its MDC values) arrive here
 * without any code, through the ContextPropagatingTaskDecorator the SafeMap starter registers.
 */
@Service
class ContextDemoAsyncService {

	private static final Logger logger = LoggerFactory.getLogger(ContextDemoAsyncService.class);

	@Async
	CompletableFuture<String> audit(String action) {
		RequestContext context = RequestContext.current();
		// the MDC pattern in application.yml prints requestId and tenant on this line, on an async thread
		logger.info("audit '{}' on {} for route {}", action, Thread.currentThread().getName(),
				context.getOrDefault("route", "?"));
		return CompletableFuture.completedFuture(context.requestId().orElse("none"));
	}

}
