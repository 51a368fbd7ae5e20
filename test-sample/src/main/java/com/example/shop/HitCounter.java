package com.example.shop;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Service;

/**
 * Counts page hits. RACY ON PURPOSE: check-then-act ({@code get}, then {@code put}) on a plain
 * {@code HashMap} shared by every request thread, failure catalogue #2/#3.
 */
@Service
public class HitCounter {

	private Map<String, Long> hits = new HashMap<>();

	public long hit(String page) {
		Long count = this.hits.get(page);
		long next = (count == null) ? 1 : count + 1;
		this.hits.put(page, next);
		return next;
	}

	public long count(String page) {
		return this.hits.getOrDefault(page, 0L);
	}

}
