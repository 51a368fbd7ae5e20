package dev.safemap.example.compensation;

import dev.safemap.compensation.Compensable;
import dev.safemap.web.IdempotencyKeyInterceptor;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Writes reservations to the inventory service. When the call fails (or the {@code stock} breaker is open) the
 * reservation is stored and replayed later with the same {@code Idempotency-Key}; the caller goes on at once.
 */
@Component
public class StockClient {

	private final RestClient.Builder builder;

	private final Environment environment;

	private volatile RestClient rest;

	StockClient(IdempotencyKeyInterceptor idempotencyKeys, Environment environment) {
		this.builder = RestClient.builder().requestInterceptor(idempotencyKeys);
		this.environment = environment;
	}

	@Compensable(name = "stock", key = "#reservation.orderId", orderingKey = "#reservation.sku",
			on = RestClientException.class)
	public void reserve(Reservation reservation) {
		rest().post().uri("/demo/compensation/downstream/reservations").body(reservation).retrieve().toBodilessEntity();
	}

	private RestClient rest() {
		RestClient current = this.rest;
		if (current == null) {
			// the demo downstream lives in this application: its port is known once the server has started
			String port = this.environment.getProperty("local.server.port", "8080");
			current = this.builder.baseUrl("http://localhost:" + port).build();
			this.rest = current;
		}
		return current;
	}

}
