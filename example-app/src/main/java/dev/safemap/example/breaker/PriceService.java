package dev.safemap.example.breaker;

import java.time.Duration;

import dev.safemap.breaker.FallbackCached;

import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Calls the downstream over HTTP behind a fallback cache named {@code prices}: its circuit breaker
 * is {@code resilience4j.circuitbreaker.instances.prices}, its staleness budget
 * {@code safemap.breaker.caches.prices.max-staleness}.
 */
@Service
public class PriceService {

	private final RestClient restClient;

	private final Environment environment;

	PriceService(Environment environment) {
		this.environment = environment;
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
		// shorter than the downstream's 3-second "slow" mode, so that slow answers become timeouts
		requestFactory.setReadTimeout(environment.getProperty("example.breaker.read-timeout", Duration.class,
				Duration.ofSeconds(1)));
		this.restClient = RestClient.builder().requestFactory(requestFactory).build();
	}

	/**
	 * Returns the price of a symbol from the downstream, or its last known good price while the
	 * downstream is failing, slow or its circuit is open.
	 * @param symbol the symbol
	 * @return the price text
	 */
	@FallbackCached(name = "prices", key = "#symbol")
	public String price(String symbol) {
		String port = this.environment.getProperty("local.server.port", "8080");
		return this.restClient.get()
			.uri("http://localhost:" + port + "/downstream/prices/{symbol}", symbol)
			.retrieve()
			.body(String.class);
	}

}
