package dev.safemap.aop;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import dev.safemap.breaker.FallbackCache;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reactor {@code Mono} support of the {@code @FallbackCached} aspect. Loaded only when Reactor is
 * on the classpath, so that neither the core nor the aspect needs Reactor.
 */
final class ReactorSupport {

	private ReactorSupport() {
	}

	static boolean isMono(Class<?> type) {
		return Mono.class.isAssignableFrom(type);
	}

	static boolean isOtherPublisher(Class<?> type) {
		return Publisher.class.isAssignableFrom(type) && !Mono.class.isAssignableFrom(type);
	}

	/**
	 * Defers the call until subscription; the downstream Mono is subscribed (as a future) only when
	 * the cache decides to call it.
	 */
	static Mono<Object> mono(FallbackCache<Object, Object> cache, Object key, Supplier<?> downstream) {
		return Mono.defer(() -> Mono.fromFuture(cache.callAsync(key, () -> toStage(downstream))));
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> toStage(Supplier<?> downstream) {
		Mono<?> mono = (Mono<?>) downstream.get();
		return (mono != null) ? (CompletionStage<Object>) (CompletionStage<?>) mono.toFuture()
				: java.util.concurrent.CompletableFuture.completedFuture(null);
	}

}
