package com.example.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A small shop, racy on purpose in places, to show what safemap-spring-boot-test finds in a project's
 * own tests. Thread-safety: see each service.
 */
@SpringBootApplication
public class ShopApplication {

	/** Prices by SKU, shared by the warm-up and the refresher of {@link PriceCatalog}. */
	@Bean
	Map<String, Long> prices() {
		return new ConcurrentHashMap<>();
	}

	/** Prices by SKU of the fixed catalog, {@link SafePriceCatalog}. */
	@Bean
	Map<String, Long> safePrices() {
		return new ConcurrentHashMap<>();
	}

	/** Page views counted with atomic merges by {@link MergeHitCounter}. */
	@Bean
	Map<String, Long> pageViews() {
		return new ConcurrentHashMap<>();
	}

	public static void main(String[] args) {
		SpringApplication.run(ShopApplication.class, args);
	}

}
