package dev.safemap.compensation;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Programmatic counterpart of {@code @Compensable}: register a named write once, then execute it; when the
 * write fails or its breaker is open, the payload is stored and replayed later through the same breaker.
 * {@snippet :
 * template.register("stock.reserve", "inventory", Reservation.class, (r) -> client.reserve(r));
 * template.execute("stock.reserve", new Reservation("sku-1", 2), "order-42", "sku-1");
 * }
 * Register writes while the application starts (for example in a constructor): entries whose target has no
 * registered write when the worker reaches them go to dead letters. {@link #execute} takes the same
 * {@link CompensableCalls} path as {@code @Compensable} methods; a replay goes from the registry to the
 * registered write, through the breaker.
 * <p>
 * Thread-safety: instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class CompensationTemplate {

	private final CompensationRegistry registry;

	private final CircuitBreakerRegistry breakers;

	private final BreakerWakeUp wakeUp;

	private final CompensableCalls calls;

	private final JsonMapper mapper;

	private final ContextPropagator propagator;

	private final Map<String, Registered<?>> writes = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Creates a template.
	 * @param registry the compensation registry
	 * @param breakers the circuit breakers
	 * @param mapper JSON mapper for payloads
	 * @param propagator request-context seam
	 */
	public CompensationTemplate(CompensationRegistry registry, CircuitBreakerRegistry breakers,
			JsonMapper mapper, ContextPropagator propagator) {
		this.registry = registry;
		this.breakers = breakers;
		this.wakeUp = new BreakerWakeUp(() -> registry);
		this.calls = new CompensableCalls(() -> registry);
		this.mapper = mapper;
		this.propagator = propagator;
	}

	/**
	 * Registers a write under a target name.
	 * @param <T> the payload type
	 * @param target unique name of the write, stored with each entry
	 * @param breakerName the Resilience4j circuit breaker the write goes through
	 * @param payloadType the payload type, for reading stored payloads back
	 * @param write the write; throwing means the downstream did not take it
	 * @throws IllegalStateException if the target is already registered
	 */
	public <T> void register(String target, String breakerName, Class<T> payloadType, Write<T> write) {
		Objects.requireNonNull(target, "target must not be null");
		CircuitBreaker breaker = this.breakers.circuitBreaker(Objects.requireNonNull(breakerName, "breakerName"));
		Registered<T> registered = new Registered<>(breaker, Objects.requireNonNull(payloadType, "payloadType"),
				Objects.requireNonNull(write, "write"));
		if (this.writes.putIfAbsent(target, registered) != null) {
			throw new IllegalStateException("a write is already registered for target '" + target + "'");
		}
		this.wakeUp.watch(breaker);
		this.registry.register(target, (entry) -> {
			T payload;
			try {
				payload = this.mapper.readValue(entry.arguments(), payloadType);
			}
			catch (RuntimeException ex) {
				throw new UnreadableCompensationException("payload of '" + target + "' cannot be read as "
						+ payloadType.getName() + ": " + ex.getMessage(), ex);
			}
			try {
				breaker.executeCheckedRunnable(() -> write.apply(payload));
			}
			catch (Exception | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * Executes a registered write now, or stores it for a replay when it fails or its breaker is open.
	 * @param <T> the payload type
	 * @param target the registered target
	 * @param payload the payload (serialized before the call, so a bad payload stores nothing)
	 * @param idempotencyKey the idempotency key, or null for a random one
	 * @param orderingKey the ordering key, or null for none
	 * @return a future completed when the write is done (at once, or after a replay in this process)
	 * @throws IllegalArgumentException if the target is unknown or the payload cannot be serialized
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<@Nullable Void> execute(String target, T payload, @Nullable String idempotencyKey,
			@Nullable String orderingKey) {
		Registered<T> registered = (Registered<T>) this.writes.get(target);
		if (registered == null) {
			throw new IllegalArgumentException("no write registered for target '" + target + "'");
		}
		if (!registered.payloadType.isInstance(payload)) {
			throw new IllegalArgumentException("payload of '" + target + "' must be a "
					+ registered.payloadType.getName() + ", but was " + payload);
		}
		String json;
		try {
			json = this.mapper.writeValueAsString(payload);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Cannot store a write to '" + target + "' for compensation: payload "
					+ registered.payloadType.getName() + " cannot be serialized to JSON: " + ex.getMessage(), ex);
		}
		String key = (idempotencyKey != null) ? idempotencyKey : UUID.randomUUID().toString();
		CompensationRequest request = new CompensationRequest(target, json, key,
				(orderingKey != null) ? orderingKey : key, this.propagator.capture());
		String stored;
		try {
			stored = this.calls.call(registered.breaker, request, Exception.class::isInstance,
					() -> registered.write.apply(payload));
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
		return (stored != null) ? this.registry.completion(stored) : CompletableFuture.completedFuture(null);
	}

	/**
	 * A write to a downstream. Called from callers' threads and from the replay worker, so implementations must
	 * be thread-safe.
	 *
	 * @param <T> the payload type
	 * @since 0.1.0
	 */
	@FunctionalInterface
	public interface Write<T> {

		/**
		 * Performs the write; the idempotency key is available from
		 * {@link CompensationContext#currentIdempotencyKey()}.
		 * @param payload the payload
		 * @throws Exception if the downstream did not take the write
		 */
		void apply(T payload) throws Exception;

	}

	private record Registered<T>(CircuitBreaker breaker, Class<T> payloadType, Write<T> write) {
	}

}
