package dev.safemap.example.hotspots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Produces contention on the guarded {@code carts} map so that {@code GET /actuator/safemaps} has
 * something to show: {@code POST /hotspots/load?threads=4&operations=2000}.
 * <p>
 * Each of {@code threads} threads makes {@code operations} calls: one in three adds an item to the
 * cart of {@code alice@example.com} (the hot key), one in twenty checks out {@code bob@example.com},
 * the rest view the carts of 10,000 other users. The threads are joined before the response, so none
 * outlives the request.
 */
@RestController
@RequestMapping("/hotspots")
public class HotspotsDemoController {

	static final String HOT_USER = "alice@example.com";

	static final String CHECKOUT_USER = "bob@example.com";

	private final CartService carts;

	public HotspotsDemoController(CartService carts) {
		this.carts = carts;
	}

	/**
	 * Runs the load.
	 * @param threads 1 to 16 threads
	 * @param operations 1 to 100,000 calls per thread
	 * @return what was done
	 * @throws InterruptedException if interrupted while waiting for the threads
	 */
	@PostMapping("/load")
	public Map<String, Object> load(@RequestParam(defaultValue = "4") int threads,
			@RequestParam(defaultValue = "2000") int operations) throws InterruptedException {
		if (threads < 1 || threads > 16) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "threads must be 1 to 16 but was " + threads);
		}
		if (operations < 1 || operations > 100_000) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"operations must be 1 to 100000 but was " + operations);
		}
		AtomicLong added = new AtomicLong();
		AtomicLong checkedOut = new AtomicLong();
		AtomicLong viewed = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		long began = System.nanoTime();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < operations; i++) {
					if (i % 3 == 0) {
						this.carts.addToCart(HOT_USER);
						added.incrementAndGet();
					}
					else if (i % 20 == 1) {
						this.carts.addToCart(CHECKOUT_USER);
						checkedOut.addAndGet(this.carts.checkout(CHECKOUT_USER));
					}
					else {
						this.carts.view("user-" + ThreadLocalRandom.current().nextInt(10_000) + "@example.com");
						viewed.incrementAndGet();
					}
				}
			}, "safemap-hotspots-load-" + t);
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("threads", threads);
		result.put("operationsPerThread", operations);
		result.put("addedToHotCart", added.get());
		result.put("checkedOutItems", checkedOut.get());
		result.put("views", viewed.get());
		result.put("millis", (System.nanoTime() - began) / 1_000_000);
		result.put("next", "GET /actuator/safemaps/carts");
		return result;
	}

}
