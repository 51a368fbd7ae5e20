package dev.safemap.jfr;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jdk.jfr.SettingControl;

/**
 * The {@code waitThreshold} setting of {@link ContendedOperationEvent}: a duration such as
 * {@code 10 ms} or {@code 500 us} (units ns, us, ms, s, m, h, d), {@code 0 ns} by default. When several
 * recordings run, the lowest threshold wins. An unreadable value keeps the previous one. Thread-safe:
 * JFR sets the value, map threads read it (volatile).
 */
public final class WaitThresholdSetting extends SettingControl {

	private volatile long nanos;

	private volatile String text = "0 ns";

	/** Created by JFR when the event is registered. */
	public WaitThresholdSetting() {
	}

	long nanos() {
		return this.nanos;
	}

	@Override
	public String combine(Set<String> values) {
		long lowest = Long.MAX_VALUE;
		String result = "0 ns";
		for (String value : values) {
			long parsed = parse(value);
			if (parsed >= 0 && parsed < lowest) {
				lowest = parsed;
				result = value;
			}
		}
		return result;
	}

	@Override
	public void setValue(String value) {
		long parsed = parse(value);
		if (parsed >= 0) {
			this.nanos = parsed;
			this.text = value;
		}
	}

	@Override
	public String getValue() {
		return this.text;
	}

	/** Parses "10 ms", "10ms", "0"; -1 when unreadable. */
	static long parse(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		int i = 0;
		while (i < text.length() && Character.isDigit(text.charAt(i))) {
			i++;
		}
		if (i == 0) {
			return -1;
		}
		long amount;
		try {
			amount = Long.parseLong(text.substring(0, i));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
		String unit = text.substring(i).trim();
		switch (unit) {
			case "", "ns":
				return amount;
			case "us":
				return TimeUnit.MICROSECONDS.toNanos(amount);
			case "ms":
				return TimeUnit.MILLISECONDS.toNanos(amount);
			case "s":
				return TimeUnit.SECONDS.toNanos(amount);
			case "m":
				return TimeUnit.MINUTES.toNanos(amount);
			case "h":
				return TimeUnit.HOURS.toNanos(amount);
			case "d":
				return TimeUnit.DAYS.toNanos(amount);
			default:
				return -1;
		}
	}

}
