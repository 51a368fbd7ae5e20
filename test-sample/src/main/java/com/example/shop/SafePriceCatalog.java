package com.example.shop;

import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Prices by SKU; the fix of {@link PriceCatalog}: per-key atomic calls ({@code compute},
 * {@code computeIfPresent}), so a warm-up write and a refresh of the same SKU never interleave.
 */
@Service
public class SafePriceCatalog {

	private final Map<String, Long> prices;

	public SafePriceCatalog(@Qualifier("safePrices") Map<String, Long> prices) {
		this.prices = prices;
	}

	public void warmUp(long generation) {
		for (String sku : PriceCatalog.SKUS) {
			this.prices.compute(sku, (key, old) -> (old != null) ? old : generation * 100 + key.length());
		}
	}

	public void refresh(long generation) {
		for (String sku : PriceCatalog.SKUS) {
			this.prices.computeIfPresent(sku, (key, old) -> generation * 100 + key.length() + 50);
		}
	}

	public Long price(String sku) {
		return this.prices.get(sku);
	}

}
