package com.example.shop;

import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/** Counts page views; the fix by one atomic call: {@code merge} on the {@code pageViews} map bean. */
@Service
public class MergeHitCounter {

	private final Map<String, Long> pageViews;

	public MergeHitCounter(@Qualifier("pageViews") Map<String, Long> pageViews) {
		this.pageViews = pageViews;
	}

	public long hit(String page) {
		return this.pageViews.merge(page, 1L, Long::sum);
	}

	public long count(String page) {
		return this.pageViews.getOrDefault(page, 0L);
	}

}
