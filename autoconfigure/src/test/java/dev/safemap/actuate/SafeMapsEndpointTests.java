package dev.safemap.actuate;

import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.safemap.actuate.hotspots.SafeMapsEndpoint.SafeMapDescriptor;
import dev.safemap.actuate.hotspots.SafeMapsEndpoint;
import dev.safemap.guard.CallSite;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapOperation;
import dev.safemap.guard.RaceReport;
import dev.safemap.hotspots.Hotspots;
import dev.safemap.hotspots.HotspotsConfig;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

class SafeMapsEndpointTests {

	private static final String RAW_KEY = "alice@example.com";

	private final Hotspots hotspots = Hotspots.create(HotspotsConfig.builder().keySampleRate(1.0).sampleRate(1.0).callSiteSampleRate(1.0).build());

	private final GuardedMapRegistry registry = new GuardedMapRegistry();

	private final GuardedMap<String, Long> orders = GuardedMap.builder("orders")
		.observer(this.hotspots.create("orders", GuardMode.GUARD))
		.registry(this.registry)
		.wrap(new HashMap<>());

	@AfterEach
	void close() {
		this.hotspots.close();
	}

	@Test
	void describesEveryMapWithModeTypeSizeCountsAndContention() throws Exception {
		this.orders.put("a", 1L);
		this.orders.put("b", 2L);
		this.orders.get("a");
		contend(this.orders, RAW_KEY);
		GuardedMap<String, String> plain = GuardedMap.builder("plain").registry(this.registry).wrap(new TreeMap<>());
		plain.put("x", "y");

		List<SafeMapDescriptor> maps = endpoint(Show.NEVER).safeMaps(SecurityContext.NONE).maps();

		assertThat(maps).extracting(SafeMapDescriptor::name).containsExactly("orders", "plain");
		SafeMapDescriptor orders = maps.get(0);
		assertThat(orders.mode()).isEqualTo("guard");
		assertThat(orders.type()).isEqualTo(HashMap.class.getName());
		assertThat(orders.size()).isEqualTo(3);
		assertThat(orders.observed()).isTrue();
		// 2 puts + 1 get + the two contending merges
		assertThat(orders.operations()).isEqualTo(5);
		assertThat(orders.operationsByKind()).containsEntry("put", 2L).containsEntry("get", 1L).containsEntry("merge", 1L)
			.containsEntry("compute", 1L);
		assertThat(orders.contended()).isEqualTo(1);
		assertThat(orders.contentionRate()).isEqualTo(0.2);
		assertThat(orders.waitTime().p50Millis()).isGreaterThanOrEqualTo(20.0);
		assertThat(orders.hotKeys().byContention()).singleElement().satisfies((key) -> {
			assertThat(key.key()).isEqualTo(KeyMasker.shared().mask(RAW_KEY));
			assertThat(key.count()).isEqualTo(1);
			assertThat(key.share()).isEqualTo(1.0);
		});
		assertThat(orders.callSites().samples()).isEqualTo(1);
		assertThat(orders.callSites().top()).singleElement().satisfies((site) -> {
			assertThat(site.className()).isEqualTo(SafeMapsEndpointTests.class.getName());
			assertThat(site.methodName()).startsWith("lambda$contend");
			assertThat(site.keys()).containsExactly(KeyMasker.shared().mask(RAW_KEY));
		});
		SafeMapDescriptor plainMap = maps.get(1);
		assertThat(plainMap.observed()).isFalse();
		assertThat(plainMap.type()).isEqualTo(TreeMap.class.getName());
		assertThat(plainMap.size()).isEqualTo(1);
		assertThat(plainMap.operations()).isZero();
	}

	@Test
	void keysAreMaskedByDefault() throws Exception {
		contend(this.orders, RAW_KEY);
		this.orders.get(RAW_KEY);

		String everything = endpoint(Show.NEVER).safeMaps(authenticated("ADMIN")).toString()
				+ endpoint(Show.NEVER).safeMap(authenticated("ADMIN"), "orders");
		assertThat(everything).doesNotContain(RAW_KEY).doesNotContain("alice").contains(KeyMasker.shared().mask(RAW_KEY));
	}

	@Test
	void keysAreShownAlwaysWhenConfigured() {
		this.orders.put(RAW_KEY, 1L);
		this.orders.get(RAW_KEY); // a key is listed from its second sample
		assertThat(endpoint(Show.ALWAYS).safeMap(SecurityContext.NONE, "orders").hotKeys().byOperations())
			.extracting((key) -> key.key())
			.containsExactly(RAW_KEY);
	}

	@Test
	void keysAreShownWhenAuthorizedOnlyToUsersWithARole() {
		this.orders.put(RAW_KEY, 1L);
		this.orders.get(RAW_KEY); // a key is listed from its second sample
		SafeMapsEndpoint endpoint = new SafeMapsEndpoint(this.hotspots, this.registry, Show.WHEN_AUTHORIZED,
				Set.of("SAFEMAP_ADMIN"));
		assertThat(shownKey(endpoint, SecurityContext.NONE)).isEqualTo(KeyMasker.shared().mask(RAW_KEY));
		assertThat(shownKey(endpoint, authenticated("USER"))).isEqualTo(KeyMasker.shared().mask(RAW_KEY));
		assertThat(shownKey(endpoint, authenticated("SAFEMAP_ADMIN"))).isEqualTo(RAW_KEY);
	}

	@Test
	void keysAreShownWhenAuthorizedToAnyAuthenticatedUserWithoutRoles() {
		this.orders.put(RAW_KEY, 1L);
		this.orders.get(RAW_KEY); // a key is listed from its second sample
		SafeMapsEndpoint endpoint = new SafeMapsEndpoint(this.hotspots, this.registry, Show.WHEN_AUTHORIZED, Set.of());
		assertThat(shownKey(endpoint, SecurityContext.NONE)).isEqualTo(KeyMasker.shared().mask(RAW_KEY));
		assertThat(shownKey(endpoint, authenticated())).isEqualTo(RAW_KEY);
	}

	@Test
	void unknownMapGivesNullForA404() {
		assertThat(endpoint(Show.NEVER).safeMap(SecurityContext.NONE, "nope")).isNull();
	}

	@Test
	void resetStartsOneMapOrAllAfresh() {
		GuardedMap<String, Long> other = GuardedMap.builder("other")
			.observer(this.hotspots.create("other", GuardMode.GUARD))
			.registry(this.registry)
			.wrap(new HashMap<>());
		this.orders.put("a", 1L);
		other.put("a", 1L);
		SafeMapsEndpoint endpoint = endpoint(Show.NEVER);

		assertThat(endpoint.resetMap("orders").reset()).containsExactly("orders");
		assertThat(endpoint.safeMap(SecurityContext.NONE, "orders").operations()).isZero();
		assertThat(endpoint.safeMap(SecurityContext.NONE, "other").operations()).isEqualTo(1);
		// the map itself is untouched
		assertThat(endpoint.safeMap(SecurityContext.NONE, "orders").size()).isEqualTo(1);

		assertThat(endpoint.resetMap("nope").reset()).isEmpty();
		assertThat(endpoint.reset().reset()).containsExactly("orders", "other");
		assertThat(endpoint.safeMap(SecurityContext.NONE, "other").operations()).isZero();
	}

	@Test
	void raceReportsAppearWithTheMap() {
		MapObserver legacy = this.hotspots.create("legacy", GuardMode.DETECT);
		CallSite site = new CallSite("com.example.Legacy", "count", 12);
		legacy.raceDetected(RaceReport.Kind.LOST_UPDATE, MapOperation.PUT);
		legacy.raceDetected(RaceReport.Kind.LOST_UPDATE, MapOperation.PUT); // a repeat detect mode does not report
		legacy.race(new RaceReport("legacy", RaceReport.Kind.LOST_UPDATE, MapOperation.PUT, KeyMasker.shared().mask(RAW_KEY),
				site, site, "t1", "t2", Instant.parse("2026-01-01T00:00:00Z")));

		SafeMapDescriptor descriptor = endpoint(Show.NEVER).safeMap(SecurityContext.NONE, "legacy");
		assertThat(descriptor.mode()).isEqualTo("detect");
		assertThat(descriptor.races().total()).isEqualTo(2);
		assertThat(descriptor.races().byKind()).containsEntry("lost_update", 2L).containsEntry("concurrent_write", 0L);
		assertThat(descriptor.races().reported()).isEqualTo(1);
		assertThat(descriptor.races().recent()).singleElement().satisfies((race) -> {
			assertThat(race.kind()).isEqualTo("lost_update");
			assertThat(race.operation()).isEqualTo("put");
			assertThat(race.site()).isEqualTo("com.example.Legacy.count:12");
			assertThat(race.key()).isEqualTo(KeyMasker.shared().mask(RAW_KEY));
		});
	}

	private String shownKey(SafeMapsEndpoint endpoint, SecurityContext context) {
		return endpoint.safeMap(context, "orders").hotKeys().byOperations().get(0).key();
	}

	private SafeMapsEndpoint endpoint(Show show) {
		return new SafeMapsEndpoint(this.hotspots, this.registry, show, Set.of());
	}

	/**
	 * Makes one operation on {@code key} wait for another: a compute holds the key's stripe while a
	 * merge on the same key arrives.
	 */
	static void contend(Map<String, Long> map, String key) throws InterruptedException {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> map.compute(key, (k, v) -> {
			inside.countDown();
			await(release);
			return 1L;
		}), "safemap-hotspots-test-holder");
		holder.start();
		await(inside);
		Thread waiter = new Thread(() -> map.merge(key, 1L, Long::sum), "safemap-hotspots-test-waiter");
		waiter.start();
		// the waiter is blocked on the key's bin in the map: let it wait measurably, then release the holder
		while (waiter.getState() == Thread.State.NEW || waiter.getState() == Thread.State.RUNNABLE) {
			Thread.onSpinWait();
		}
		Thread.sleep(25);
		release.countDown();
		holder.join();
		waiter.join();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static SecurityContext authenticated(String... roles) {
		Set<String> granted = Set.of(roles);
		return new SecurityContext() {

			@Override
			public @Nullable Principal getPrincipal() {
				return () -> "user";
			}

			@Override
			public boolean isUserInRole(String role) {
				return granted.contains(role);
			}

		};
	}

}
