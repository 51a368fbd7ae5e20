package dev.safemap.example.hotspots;

import java.util.HashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared map of the hotspots demo, declared as a plain {@code HashMap} bean.
 */
@Configuration(proxyBeanMethods = false)
public class HotspotsDemoConfiguration {

	/**
	 * Cart item counts per user (user e-mail addresses are the keys: personal data).
	 * @return a plain map: SafeMap guards it
	 */
	@Bean
	public Map<String, Long> carts() {
		return new HashMap<>();
	}

}
