package com.example.legacy;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Service;

/** Totals by report: a final HashMap field, which the field finder can only report, never wrap. */
@Service
public class LegacyReportService {

	private final Map<String, Long> totals = new HashMap<>();

	public void add(String report, long amount) {
		this.totals.put(report, this.totals.getOrDefault(report, 0L) + amount);
	}

}
