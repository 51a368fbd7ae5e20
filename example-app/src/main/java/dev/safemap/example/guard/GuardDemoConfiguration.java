package dev.safemap.example.guard;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two shared maps declared the way many applications do it: plain {@code HashMap}s as beans, with no
 * SafeMap type in sight. The starter replaces both by guarded maps at startup (see the INFO lines
 * "SafeMap guards map bean ..."); {@code application.yml} puts {@code settings} in detect mode.
 */
@Configuration(proxyBeanMethods = false)
public class GuardDemoConfiguration {

	/**
	 * Requests per endpoint, written by every request thread.
	 * @return a plain map: SafeMap guards it
	 */
	@Bean
	public Map<String, Long> requestCounts() {
		return new HashMap<>();
	}

	/**
	 * Runtime settings, read by every request and changed now and then.
	 * @return a plain insertion-ordered map: SafeMap keeps its order
	 */
	@Bean
	public Map<String, String> settings() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("greeting", "hello");
		settings.put("theme", "light");
		return settings;
	}

}
