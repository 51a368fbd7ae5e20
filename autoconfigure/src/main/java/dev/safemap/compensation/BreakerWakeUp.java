package dev.safemap.compensation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * Wakes the replay worker when a breaker used by compensable calls leaves the open state (to half-open, where
 * replays are the probes, or to closed).
 */
public final class BreakerWakeUp {

	private final Set<String> watched = ConcurrentHashMap.newKeySet();

	private final Supplier<? extends @Nullable CompensationRegistry> registry;

	/**
	 * Creates a wake-up for a registry.
	 * @param registry supplies the registry (null while it does not exist yet)
	 */
	public BreakerWakeUp(Supplier<? extends @Nullable CompensationRegistry> registry) {
		this.registry = registry;
	}

	/**
	 * Wakes the registry's worker whenever this breaker moves to closed or half-open; watching a breaker twice
	 * has no further effect.
	 * @param breaker the breaker
	 */
	public void watch(CircuitBreaker breaker) {
		if (this.watched.add(breaker.getName())) {
			breaker.getEventPublisher().onStateTransition((event) -> {
				CircuitBreaker.State to = event.getStateTransition().getToState();
				if (to == CircuitBreaker.State.CLOSED || to == CircuitBreaker.State.HALF_OPEN) {
					CompensationRegistry target = this.registry.get();
					if (target != null) {
						target.wakeUp();
					}
				}
			});
		}
	}

}
