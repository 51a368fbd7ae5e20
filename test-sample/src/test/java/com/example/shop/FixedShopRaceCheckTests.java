package com.example.shop;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.test.Concurrently;
import dev.safemap.test.SafeMapRaceCheck;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The fixed versions under the race check, run as ordinary tests of the build: each drives its map
 * from concurrent requests or threads, the maps are watched (detect mode), and no race is reported.
 */
@SafeMapRaceCheck
@SpringBootTest
@AutoConfigureMockMvc
class FixedShopRaceCheckTests {

	@Autowired
	MockMvc mockMvc;

	@Autowired
	SynchronizedHitCounter synchronizedHits;

	@Autowired
	MergeHitCounter mergedHits;

	@Autowired
	SafePriceCatalog catalog;

	@Autowired
	GuardedMapRegistry registry;

	@Test
	void mapsOfTheContextAreWatchedInDetectMode() {
		assertThat(this.registry.map("pageViews")).hasValueSatisfying((map) -> assertThat(map.mode()).isEqualTo(GuardMode.DETECT));
		assertThat(this.registry.map("safePrices")).hasValueSatisfying((map) -> assertThat(map.mode()).isEqualTo(GuardMode.DETECT));
		assertThat(this.registry.map("synchronizedHitCounter.hits"))
			.hasValueSatisfying((map) -> assertThat(map.mode()).isEqualTo(GuardMode.DETECT));
	}

	@Test
	void synchronizedCounterCountsEveryConcurrentRequest() {
		Concurrently.run(4, 25, () -> this.mockMvc.perform(post("/synchronized-hits/home")).andExpect(status().isOk()));
		assertThat(this.synchronizedHits.count("home")).isEqualTo(100);
	}

	@Test
	void mergeCounterCountsEveryConcurrentRequest() {
		Concurrently.run(4, 25, () -> this.mockMvc.perform(post("/merged-hits/home")).andExpect(status().isOk()));
		assertThat(this.mergedHits.count("home")).isEqualTo(100);
	}

	@Test
	void atomicWarmUpAndRefreshLeaveOneGenerationPerPrice() {
		Concurrently.run(2, 50, (thread, round) -> {
			if (thread == 0) {
				this.catalog.warmUp(round);
			}
			else {
				this.catalog.refresh(round);
			}
		});
		for (String sku : PriceCatalog.SKUS) {
			long offset = this.catalog.price(sku) % 100;
			assertThat(offset).isIn((long) sku.length(), (long) sku.length() + 50);
		}
	}

}
