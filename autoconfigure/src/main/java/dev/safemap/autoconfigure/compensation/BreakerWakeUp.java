package dev.safemap.autoconfigure.compensation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.safemap.compensation.CompensationRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Wakes the replay worker when a breaker used by compensable calls leaves the open state (to half-open, where
 * replays are the probes, or to closed).
 */
final class BreakerWakeUp {

	private final Set<String> watched = ConcurrentHashMap.newKeySet();

	private final ObjectProvider<CompensationRegistry> registry;

	BreakerWakeUp(ObjectProvider<CompensationRegistry> registry) {
		this.registry = registry;
	}

	void watch(CircuitBreaker breaker) {
		if (this.watched.add(breaker.getName())) {
			breaker.getEventPublisher().onStateTransition((event) -> {
				CircuitBreaker.State to = event.getStateTransition().getToState();
				if (to == CircuitBreaker.State.CLOSED || to == CircuitBreaker.State.HALF_OPEN) {
					CompensationRegistry target = this.registry.getIfAvailable();
					if (target != null) {
						target.wakeUp();
					}
				}
			});
		}
	}

}
