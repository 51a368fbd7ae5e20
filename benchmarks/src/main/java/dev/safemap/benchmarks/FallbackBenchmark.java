package dev.safemap.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.safemap.breaker.FallbackCache;
import dev.safemap.breaker.FallbackCached;
import dev.safemap.breaker.FallbackCaches;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cost of a fallback cache.
 * <ul>
 * <li>{@code direct} vs {@code annotatedHit} / {@code programmaticHit}: a closed breaker and a
 * cache hit (value younger than the refresh age) against calling the method directly; target: at
 * most 2 µs over {@code direct}.</li>
 * <li>{@code annotatedOpenFallback} / {@code programmaticOpenFallback}: breaker open, the last
 * known good value is served (SampleTime, target p99 under 20 µs). The downstream counts its calls
 * and {@link #checkNoDownstreamCallWhileOpen()} fails the trial if any call was attempted.</li>
 * </ul>
 * The services are created in a Spring Boot context with the SafeMap auto-configuration and
 * AspectJ auto-proxying; the fallback caches store in embedded Caffeine (the default), with no
 * meter registry.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FallbackBenchmark {

	private ConfigurableApplicationContext context;

	private PriceService direct;

	private PriceService annotated;

	private FallbackCache<String, String> hitCache;

	private FallbackCache<String, String> openCache;

	private final AtomicLong downstreamCallsWhileOpen = new AtomicLong();

	private long annotatedCallsBeforeMeasurement;

	@Setup(Level.Trial)
	public void setUp() {
		this.context = new SpringApplicationBuilder(BenchmarkConfiguration.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			// the application's auto-configuration, as a user gets it, with only the fallback caches switched on
			.properties("safemap.guard.enabled=false", "safemap.hotspots.enabled=false",
					"safemap.compensation.enabled=false", "safemap.context.enabled=false",
					"safemap.breaker.caches.hit.refresh-after=1h", "safemap.breaker.caches.hit.max-staleness=2h",
					"logging.level.dev.safemap=INFO", "logging.level.root=WARN")
			.run();
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.safemap")).setLevel(ch.qos.logback.classic.Level.INFO);
		this.direct = new PriceService(this.downstreamCallsWhileOpen);
		this.annotated = this.context.getBean(PriceService.class);
		FallbackCaches caches = this.context.getBean(FallbackCaches.class);
		// fill the caches (closed breaker), then open the breaker of the "open" caches
		this.annotated.hitPrice("ACME");
		this.annotated.openPrice("ACME");
		caches.cache("open").circuitBreaker().transitionToOpenState();
		this.hitCache = caches.cache("programmatic-hit");
		this.hitCache.call("ACME", () -> "price of ACME");
		this.openCache = caches.cache("programmatic-open");
		this.openCache.call("ACME", () -> "price of ACME");
		this.openCache.circuitBreaker().transitionToOpenState();
		this.downstreamCallsWhileOpen.set(0);
		this.annotatedCallsBeforeMeasurement = this.annotated.openCalls();
	}

	@TearDown(Level.Trial)
	public void checkNoDownstreamCallWhileOpen() {
		try {
			long annotatedCalls = this.annotated.openCalls() - this.annotatedCallsBeforeMeasurement;
			if (this.downstreamCallsWhileOpen.get() != 0 || annotatedCalls != 0) {
				throw new IllegalStateException("The downstream was called while its breaker was open: "
						+ this.downstreamCallsWhileOpen.get() + " programmatic, " + annotatedCalls + " annotated");
			}
			if (this.context.getBean(FallbackCaches.class).cache("open").circuitBreaker()
				.getState() != CircuitBreaker.State.OPEN) {
				throw new IllegalStateException("The annotated breaker left the open state during the measurement");
			}
			if (this.openCache.circuitBreaker().getState() != CircuitBreaker.State.OPEN) {
				throw new IllegalStateException("The breaker left the open state during the measurement");
			}
		}
		finally {
			this.context.close();
		}
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	public String direct() {
		return this.direct.plainPrice("ACME");
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	public String annotatedHit() {
		return this.annotated.hitPrice("ACME");
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	public String programmaticHit() {
		return this.hitCache.call("ACME", () -> this.direct.plainPrice("ACME"));
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	public String annotatedOpenFallback() {
		return this.annotated.openPrice("ACME");
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	public String programmaticOpenFallback() {
		return this.openCache.call("ACME", () -> {
			this.downstreamCallsWhileOpen.incrementAndGet();
			return "price of ACME";
		});
	}

	/** A service whose "downstream" is a cheap in-memory lookup, so the benchmark measures the overhead. */
	public static class PriceService {

		private final ConcurrentHashMap<String, String> prices = new ConcurrentHashMap<>();

		private final AtomicLong callsWhileOpen;

		public PriceService(AtomicLong callsWhileOpen) {
			this.callsWhileOpen = callsWhileOpen;
			this.prices.put("ACME", "price of ACME");
		}

		public String plainPrice(String symbol) {
			return this.prices.get(symbol);
		}

		public long openCalls() {
			return this.callsWhileOpen.get();
		}

		@FallbackCached(name = "hit", key = "#symbol")
		public String hitPrice(String symbol) {
			return this.prices.get(symbol);
		}

		@FallbackCached(name = "open", key = "#symbol")
		public String openPrice(String symbol) {
			this.callsWhileOpen.incrementAndGet();
			return this.prices.get(symbol);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchmarkConfiguration {

		@Bean
		PriceService priceService() {
			return new PriceService(new AtomicLong());
		}

	}

}
