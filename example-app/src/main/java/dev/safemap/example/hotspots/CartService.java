package dev.safemap.example.hotspots;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Application code that shares one map between request threads: cart item counts per user. The
 * {@code carts} bean is a plain {@code HashMap}; SafeMap guards it and accounts for which users'
 * carts (masked) and which of these methods wait for each other.
 */
@Service
public class CartService {

	/** How long an update of a cart takes while it holds the cart: think price lookup. */
	private static final long UPDATE_NANOS = 50_000;

	private final Map<String, Long> carts;

	public CartService(@Qualifier("carts") Map<String, Long> carts) {
		this.carts = carts;
	}

	/**
	 * Adds an item to a user's cart: an atomic per-key update that holds the key while it works.
	 * @param user the user
	 * @return the new number of items
	 */
	public long addToCart(String user) {
		return this.carts.compute(user, (key, items) -> {
			LockSupport.parkNanos(UPDATE_NANOS);
			return (items != null) ? items + 1 : 1L;
		});
	}

	/**
	 * Empties a user's cart after checkout.
	 * @param user the user
	 * @return the number of items checked out
	 */
	public long checkout(String user) {
		Long[] checkedOut = { 0L };
		this.carts.computeIfPresent(user, (key, items) -> {
			LockSupport.parkNanos(UPDATE_NANOS);
			checkedOut[0] = items;
			return null;
		});
		return checkedOut[0];
	}

	/**
	 * Reads a user's cart.
	 * @param user the user
	 * @return the number of items, 0 when none
	 */
	public long view(String user) {
		Long items = this.carts.get(user);
		return (items != null) ? items : 0;
	}

}
