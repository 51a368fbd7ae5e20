package dev.safemap.example.compensation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stand-in for a remote inventory service, switchable between up and down. It applies each
 * {@code Idempotency-Key} at most once, as a well-behaved downstream does, and counts duplicate deliveries.
 * <p>
 * {@code POST /demo/compensation/downstream/mode?up=false} makes it fail with 503.
 */
@RestController
@RequestMapping("/demo/compensation/downstream")
public class StockDownstream {

	private volatile boolean up = true;

	private final Map<String, Reservation> applied = new ConcurrentHashMap<>();

	private final Map<String, Integer> reserved = new ConcurrentHashMap<>();

	private final AtomicInteger duplicates = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	@PostMapping("/reservations")
	ResponseEntity<Void> reserve(@RequestHeader(name = "Idempotency-Key", required = false) String key,
			@RequestBody Reservation reservation) {
		if (!this.up) {
			this.refused.incrementAndGet();
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
		}
		if (key == null) {
			return ResponseEntity.badRequest().build();
		}
		if (this.applied.putIfAbsent(key, reservation) == null) {
			this.reserved.merge(reservation.sku(), reservation.quantity(), Integer::sum);
		}
		else {
			this.duplicates.incrementAndGet();
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/mode")
	Map<String, Object> mode(@RequestParam boolean up) {
		this.up = up;
		return state();
	}

	@GetMapping
	Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("up", this.up);
		state.put("appliedReservations", this.applied.size());
		state.put("reservedBySku", Map.copyOf(this.reserved));
		state.put("duplicateDeliveries", this.duplicates.get());
		state.put("refusedWhileDown", this.refused.get());
		return state;
	}

	boolean isApplied(String orderId) {
		return this.applied.containsKey(orderId);
	}

}
