package dev.safemap.example.breaker;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.safemap.breaker.FallbackCaches;
import dev.safemap.breaker.FallbackContext;
import dev.safemap.breaker.FallbackResult;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /prices/{symbol}}: the price, where it came from ({@code fresh}, {@code fallback_after_failure},
 * {@code fallback_circuit_open}, ...: the {@code source} tag of {@code safemap.breaker.calls}), its age in
 * milliseconds and the breaker's state ({@code closed}, {@code open}, {@code half_open}, ...), in lower case like
 * every SafeMap enum value in JSON. Answers 503 with the
 * downstream's error when no value young enough is stored.
 */
@RestController
class PriceController {

	private final PriceService prices;

	private final FallbackCaches caches;

	PriceController(PriceService prices, FallbackCaches caches) {
		this.prices = prices;
		this.caches = caches;
	}

	@GetMapping("/prices/{symbol}")
	ResponseEntity<Map<String, Object>> price(@PathVariable String symbol) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("symbol", symbol);
		try {
			body.put("price", this.prices.price(symbol));
			// SafeMap opens one FallbackContext scope per request: this is this request's answer, and it is gone
			// when the request ends
			FallbackResult<?> answer = FallbackContext.lastAnswer();
			if (answer != null) {
				body.put("source", answer.source().name().toLowerCase(Locale.ROOT));
				body.put("stale", answer.isStale());
				body.put("ageMillis", answer.age().toMillis());
				if (answer.failure() != null) {
					body.put("failure", answer.failure().toString());
				}
			}
			return ResponseEntity.ok(withBreaker(body));
		}
		catch (RuntimeException ex) {
			body.put("error", ex.toString());
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(withBreaker(body));
		}
	}

	private Map<String, Object> withBreaker(Map<String, Object> body) {
		body.put("circuitBreaker",
				this.caches.cache("prices").circuitBreaker().getState().name().toLowerCase(Locale.ROOT));
		return body;
	}

}
