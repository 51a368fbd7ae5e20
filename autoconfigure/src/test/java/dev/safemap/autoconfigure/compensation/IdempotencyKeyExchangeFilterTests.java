package dev.safemap.autoconfigure.compensation;

import java.util.ArrayList;
import java.util.List;

import dev.safemap.compensation.CompensationContext;
import dev.safemap.web.IdempotencyKeyExchangeFilter;
import dev.safemap.web.IdempotencyKeyInterceptor;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeyExchangeFilterTests {

	private final List<String> sent = new ArrayList<>();

	private final WebClient client = WebClient.builder()
		.exchangeFunction((request) -> {
			this.sent.add(String.valueOf(request.headers().getFirst(IdempotencyKeyInterceptor.HEADER)));
			return Mono.just(ClientResponse.create(HttpStatus.OK).build());
		})
		.filter(new IdempotencyKeyExchangeFilter())
		.build();

	@Test
	void addsTheKeyOfTheCompensableCallSubscribedOnItsThread() {
		try (CompensationContext.Scope scope = CompensationContext.open("order-42", true)) {
			this.client.post().uri("http://downstream/reserve").retrieve().toBodilessEntity().block();
		}
		assertThat(this.sent).containsExactly("order-42");
	}

	@Test
	void addsNothingOutsideACompensableCallAndKeepsAHeaderAlreadySet() {
		this.client.post().uri("http://downstream/reserve").retrieve().toBodilessEntity().block();
		try (CompensationContext.Scope scope = CompensationContext.open("order-42", false)) {
			this.client.post()
				.uri("http://downstream/reserve")
				.header(IdempotencyKeyInterceptor.HEADER, "explicit")
				.retrieve()
				.toBodilessEntity()
				.block();
		}
		assertThat(this.sent).containsExactly("null", "explicit");
	}

}
