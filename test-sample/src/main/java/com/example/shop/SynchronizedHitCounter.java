package com.example.shop;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Service;

/** Counts page hits; the fix by one lock: every access to the map is synchronized on this counter. */
@Service
public class SynchronizedHitCounter {

	@SafeMapAccepted("every access synchronized on this")
	private Map<String, Long> hits = new HashMap<>();

	public synchronized long hit(String page) {
		Long count = this.hits.get(page);
		long next = (count == null) ? 1 : count + 1;
		this.hits.put(page, next);
		return next;
	}

	public synchronized long count(String page) {
		return this.hits.getOrDefault(page, 0L);
	}

}
