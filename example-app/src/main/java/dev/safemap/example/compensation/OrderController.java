package dev.safemap.example.compensation;

import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Places an order and reserves its stock; the order is accepted even when the inventory service is down.
 * <p>
 * {@code POST /demo/compensation/orders?sku=apple&quantity=2}
 */
@RestController
@RequestMapping("/demo/compensation/orders")
public class OrderController {

	private final StockClient stock;

	OrderController(StockClient stock) {
		this.stock = stock;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> place(@RequestParam String sku, @RequestParam(defaultValue = "1") int quantity) {
		String orderId = UUID.randomUUID().toString();
		this.stock.reserve(new Reservation(orderId, sku, quantity));
		return Map.of("orderId", orderId, "sku", sku, "quantity", quantity);
	}

}
