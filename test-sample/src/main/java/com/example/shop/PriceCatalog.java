package com.example.shop;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Prices by SKU. RACY ON PURPOSE (failure catalogue #7): the warm-up loads every SKU while the
 * refresher rewrites the SKUs it finds with {@code containsKey} then {@code put}; a warm-up write that
 * lands in between is overwritten with a value computed before it. The map is a ConcurrentHashMap, so
 * no single call is unsafe: only the sequence is.
 */
@Service
public class PriceCatalog {

	static final List<String> SKUS = List.of("apple", "pear", "plum", "fig", "kiwi", "lime", "date", "melon");

	private final Map<String, Long> prices;

	public PriceCatalog(@Qualifier("prices") Map<String, Long> prices) {
		this.prices = prices;
	}

	/** Loads every price of a generation (at startup, or after a cache flush). */
	public void warmUp(long generation) {
		for (String sku : SKUS) {
			this.prices.put(sku, generation * 100 + sku.length());
		}
	}

	/** Reloads the prices already present from a newer generation. */
	public void refresh(long generation) {
		for (String sku : SKUS) {
			if (this.prices.containsKey(sku)) {
				this.prices.put(sku, generation * 100 + sku.length() + 50);
			}
		}
	}

	public Long price(String sku) {
		return this.prices.get(sku);
	}

}
