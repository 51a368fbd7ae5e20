package dev.safemap.example.compensation;

/**
 * A stock reservation for an order.
 *
 * @param orderId the order, also the idempotency key
 * @param sku the article, also the ordering key (reservations of one article apply in order)
 * @param quantity how many
 */
public record Reservation(String orderId, String sku, int quantity) {
}
