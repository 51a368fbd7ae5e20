package dev.safemap.example.breaker;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A pretend downstream price service inside the example app. Switch it with
 * {@code POST /downstream/mode?m=healthy|slow|failing}: slow answers after 3 seconds (longer than
 * the client's 1-second read timeout), failing answers 503.
 */
@RestController
class DownstreamController {

	enum Mode {

		HEALTHY, SLOW, FAILING

	}

	private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.HEALTHY);

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger version = new AtomicInteger(100);

	@GetMapping("/downstream/prices/{symbol}")
	ResponseEntity<String> price(@PathVariable String symbol) throws InterruptedException {
		this.calls.incrementAndGet();
		switch (this.mode.get()) {
			case SLOW -> Thread.sleep(3000);
			case FAILING -> {
				return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("downstream failing");
			}
			default -> {
			}
		}
		// the price moves on each healthy answer, so fresh and stale answers can be told apart
		return ResponseEntity.ok(symbol.toUpperCase(Locale.ROOT) + " " + this.version.incrementAndGet());
	}

	@PostMapping("/downstream/mode")
	Map<String, Object> switchMode(@RequestParam("m") String m) {
		Mode next;
		try {
			next = Mode.valueOf(m.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new org.springframework.web.server.ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Unknown mode '" + m + "': use healthy, slow or failing");
		}
		this.mode.set(next);
		return mode();
	}

	@GetMapping("/downstream/mode")
	Map<String, Object> mode() {
		return Map.of("mode", this.mode.get().name().toLowerCase(Locale.ROOT), "calls", this.calls.get());
	}

}
