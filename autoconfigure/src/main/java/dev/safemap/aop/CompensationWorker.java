package dev.safemap.aop;

import dev.safemap.compensation.CompensationRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the replay worker when the application context has started (every bean a stored call may target
 * exists by then) and stops it when the context stops or closes (before the store closes); a context stopped and
 * started again gets its worker back.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensationWorker implements SmartLifecycle {

	private final CompensationRegistry registry;

	private final CompensableMethodPostProcessor methods;

	private final CircuitBreakerRegistry breakers;

	private final CompensableMethodInterceptor interceptor;

	private volatile boolean running;

	/**
	 * Creates the worker lifecycle.
	 * @param registry the registry to start and stop
	 * @param methods the annotated methods, whose breakers wake the worker when they leave the open state
	 * @param breakers the circuit breakers
	 * @param interceptor the interceptor that watches breakers
	 */
	public CompensationWorker(CompensationRegistry registry, CompensableMethodPostProcessor methods,
			CircuitBreakerRegistry breakers, CompensableMethodInterceptor interceptor) {
		this.registry = registry;
		this.methods = methods;
		this.breakers = breakers;
		this.interceptor = interceptor;
	}

	@Override
	public void start() {
		for (String name : this.methods.breakerNames()) {
			this.interceptor.watch(this.breakers.circuitBreaker(name));
		}
		this.registry.start();
		this.running = true;
	}

	@Override
	public void stop() {
		// stop, not close: a stopped context (ConfigurableApplicationContext.stop(), a paused test context) may be
		// started again; the registry is closed with its bean when the context closes
		this.registry.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
