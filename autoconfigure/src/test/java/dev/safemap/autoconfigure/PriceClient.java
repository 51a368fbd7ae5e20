package dev.safemap.autoconfigure;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.safemap.breaker.FallbackCached;
import reactor.core.publisher.Mono;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** A service calling the downstream stub through RestClient, behind {@code @FallbackCached}. */
class PriceClient {

	private final RestClient restClient;

	private final HttpClient httpClient = HttpClient.newHttpClient();

	private final String baseUrl;

	PriceClient(String baseUrl) {
		this.baseUrl = baseUrl;
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory();
		requestFactory.setReadTimeout(Duration.ofSeconds(2));
		this.restClient = RestClient.builder().baseUrl(baseUrl).requestFactory(requestFactory).build();
	}

	@FallbackCached(name = "prices", key = "#symbol")
	public String price(String symbol) {
		return this.restClient.get().uri("/prices/{symbol}", symbol).retrieve().body(String.class);
	}

	@FallbackCached(name = "quotes", key = "#symbol")
	public String quote(String symbol) {
		return this.restClient.get().uri("/prices/{symbol}", symbol).retrieve().body(String.class);
	}

	@FallbackCached(name = "refreshing-quotes", key = "#symbol")
	public String refreshingQuote(String symbol) {
		return this.restClient.get().uri("/prices/{symbol}", symbol).retrieve().body(String.class);
	}

	@FallbackCached(name = "prices", key = "'optional:' + #p0")
	public Optional<String> findPrice(String symbol) {
		return Optional.ofNullable(this.restClient.get().uri("/prices/{symbol}", symbol).retrieve().body(String.class));
	}

	@FallbackCached(name = "async-prices")
	public CompletableFuture<String> priceAsync(String symbol) {
		HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(this.baseUrl + "/prices/" + symbol)).build();
		return this.httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			if (response.statusCode() >= 500) {
				throw new IllegalStateException("downstream answered " + response.statusCode());
			}
			return response.body();
		});
	}

	@FallbackCached(name = "mono-prices", key = "#symbol")
	public Mono<String> priceMono(String symbol) {
		return Mono.fromFuture(() -> priceAsyncUncached(symbol));
	}

	private CompletableFuture<String> priceAsyncUncached(String symbol) {
		HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(this.baseUrl + "/prices/" + symbol)).build();
		return this.httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			if (response.statusCode() >= 500) {
				throw new IllegalStateException("downstream answered " + response.statusCode());
			}
			return response.body().isEmpty() ? null : response.body();
		});
	}

}
