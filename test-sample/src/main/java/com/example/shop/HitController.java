package com.example.shop;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Hit endpoints: {@code /hits} is racy, {@code /synchronized-hits} and {@code /merged-hits} are fixed. */
@RestController
public class HitController {

	private final HitCounter hits;

	private final SynchronizedHitCounter synchronizedHits;

	private final MergeHitCounter mergedHits;

	public HitController(HitCounter hits, SynchronizedHitCounter synchronizedHits, MergeHitCounter mergedHits) {
		this.hits = hits;
		this.synchronizedHits = synchronizedHits;
		this.mergedHits = mergedHits;
	}

	@PostMapping("/hits/{page}")
	long hit(@PathVariable String page) {
		return this.hits.hit(page);
	}

	@GetMapping("/hits/{page}")
	long count(@PathVariable String page) {
		return this.hits.count(page);
	}

	@PostMapping("/synchronized-hits/{page}")
	long synchronizedHit(@PathVariable String page) {
		return this.synchronizedHits.hit(page);
	}

	@PostMapping("/merged-hits/{page}")
	long mergedHit(@PathVariable String page) {
		return this.mergedHits.hit(page);
	}

}
