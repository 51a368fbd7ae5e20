package dev.safemap.context;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class RequestContextTests {

	@AfterEach
	void noContextLeftOnTestThread() {
		assertThat(RequestContextHolder.getOrNull()).isNull();
		MDC.clear();
	}

	@Test
	void currentIsEmptyAndNeverNullOutsideARequest() {
		assertThat(RequestContext.current()).isNotNull().isSameAs(RequestContext.empty());
		assertThat(RequestContext.current().isEmpty()).isTrue();
		assertThat(RequestContext.current().requestId()).isEmpty();
	}

	@Test
	void everyMutatorOfTheMapAndItsViewsThrows() {
		RequestContext context = RequestContext.builder().put("a", "1").put("b", "2").build();
		Map<String, String> map = context.asMap();
		List<Runnable> mutators = new ArrayList<>();
		mutators.add(() -> map.put("c", "3"));
		mutators.add(() -> map.putAll(Map.of("c", "3")));
		mutators.add(() -> map.remove("a"));
		mutators.add(() -> map.remove("a", "1"));
		mutators.add(map::clear);
		mutators.add(() -> map.putIfAbsent("c", "3"));
		mutators.add(() -> map.replace("a", "9"));
		mutators.add(() -> map.replace("a", "1", "9"));
		mutators.add(() -> map.replaceAll((k, v) -> v + "!"));
		mutators.add(() -> map.compute("a", (k, v) -> "9"));
		mutators.add(() -> map.computeIfAbsent("c", (k) -> "3"));
		mutators.add(() -> map.computeIfPresent("a", (k, v) -> "9"));
		mutators.add(() -> map.merge("a", "9", String::concat));
		// key set
		mutators.add(() -> map.keySet().remove("a"));
		mutators.add(() -> map.keySet().add("c"));
		mutators.add(() -> map.keySet().clear());
		mutators.add(() -> map.keySet().removeIf((k) -> true));
		mutators.add(() -> map.keySet().retainAll(List.of()));
		mutators.add(() -> map.keySet().removeAll(List.of("a")));
		mutators.add(() -> removeFirst(map.keySet().iterator()));
		mutators.add(() -> context.keys().remove("a"));
		// values
		mutators.add(() -> map.values().remove("1"));
		mutators.add(() -> map.values().add("3"));
		mutators.add(() -> map.values().clear());
		mutators.add(() -> map.values().removeIf((v) -> true));
		mutators.add(() -> removeFirst(map.values().iterator()));
		// entries
		mutators.add(() -> map.entrySet().clear());
		mutators.add(() -> map.entrySet().removeIf((e) -> true));
		mutators.add(() -> map.entrySet().add(new AbstractMap.SimpleEntry<>("c", "3")));
		mutators.add(() -> removeFirst(map.entrySet().iterator()));
		mutators.add(() -> map.entrySet().iterator().next().setValue("9"));
		mutators.add(() -> forFirst(map.entrySet().toArray(new Map.Entry[0])[0], (e) -> e.setValue("9")));
		mutators.add(() -> map.entrySet().forEach((e) -> e.setValue("9")));
		mutators.add(() -> map.entrySet().stream().findFirst().get().setValue("9"));
		mutators.add(() -> map.entrySet().spliterator().tryAdvance((e) -> e.setValue("9")));

		for (int i = 0; i < mutators.size(); i++) {
			Runnable mutator = mutators.get(i);
			assertThatExceptionOfType(UnsupportedOperationException.class).as("mutator #%d", i)
				.isThrownBy(mutator::run);
		}
		assertThat(map).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void forFirst(Map.Entry entry, Consumer<Map.Entry<String, String>> action) {
		action.accept(entry);
	}

	private static void removeFirst(Iterator<?> iterator) {
		iterator.next();
		iterator.remove();
	}

	@Test
	void withReturnsADerivedCopyAndLeavesTheOriginalUnchanged() {
		RequestContext original = RequestContext.of(Map.of("a", "1"));
		RequestContext derived = original.with("b", "2").with("a", "10");
		assertThat(original.asMap()).containsExactly(Map.entry("a", "1"));
		assertThat(derived.asMap()).containsExactly(Map.entry("a", "10"), Map.entry("b", "2"));
		assertThat(derived.policy()).isSameAs(original.policy());
	}

	@Test
	void scopeMakesTheContextCurrentAndRestoresThePreviousOne() {
		RequestContext outer = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "outer"));
		RequestContext inner = outer.with(RequestContext.REQUEST_ID, "inner");
		try (RequestContext.Scope outerScope = outer.open()) {
			assertThat(RequestContext.current()).isSameAs(outer);
			try (RequestContext.Scope innerScope = inner.open()) {
				assertThat(RequestContext.current()).isSameAs(inner);
				assertThat(RequestContext.current().requestId()).hasValue("inner");
			}
			assertThat(RequestContext.current()).isSameAs(outer);
		}
		assertThat(RequestContext.current()).isSameAs(RequestContext.empty());
	}

	@Test
	void runWithAndCallWithRestoreThePreviousContextEvenWhenTheBlockThrows() {
		RequestContext context = RequestContext.of(Map.of("a", "1"));
		assertThat(RequestContext.callWith(context, () -> RequestContext.current().get("a").orElseThrow())).isEqualTo("1");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> RequestContext.runWith(context, () -> {
			assertThat(RequestContext.current()).isSameAs(context);
			throw new IllegalStateException("boom");
		}));
		assertThat(RequestContext.current().isEmpty()).isTrue();
	}

	@Test
	void closingAScopeTwiceDoesNotRestoreTwice() {
		RequestContext outer = RequestContext.of(Map.of("a", "outer"));
		try (RequestContext.Scope outerScope = outer.open()) {
			RequestContext.Scope inner = RequestContext.of(Map.of("a", "inner")).open();
			inner.close();
			RequestContext other = RequestContext.of(Map.of("a", "other"));
			try (RequestContext.Scope otherScope = other.open()) {
				inner.close();
				assertThat(RequestContext.current()).isSameAs(other);
			}
		}
	}

	@Test
	void mdcKeysAreMirroredWhileCurrentAndRemovedAfterwards() {
		RequestContextPolicy policy = RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID, "tenant")).build();
		RequestContext first = RequestContext.builder(policy).put(RequestContext.REQUEST_ID, "r1").put("tenant", "t1").put("other", "x").build();
		RequestContext second = RequestContext.builder(policy).put(RequestContext.REQUEST_ID, "r2").build();
		try (RequestContext.Scope scope = first.open()) {
			assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r1");
			assertThat(MDC.get("tenant")).isEqualTo("t1");
			assertThat(MDC.get("other")).isNull();
			try (RequestContext.Scope inner = second.open()) {
				assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r2");
				assertThat(MDC.get("tenant")).as("not in the inner context").isNull();
			}
			assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r1");
			assertThat(MDC.get("tenant")).isEqualTo("t1");
		}
		assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
		assertThat(MDC.get("tenant")).isNull();
	}

	@Test
	void switchingToAContextWhosePolicyMirrorsFewerKeysRemovesTheOthersFromTheMdc() {
		RequestContextPolicy both = RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID, "tenant")).build();
		RequestContextPolicy requestIdOnly = RequestContextPolicy.builder().mdcKeys(List.of(RequestContext.REQUEST_ID)).build();
		RequestContext outer = RequestContext.builder(both).put(RequestContext.REQUEST_ID, "r1").put("tenant", "t1").build();
		RequestContext inner = RequestContext.builder(requestIdOnly).put(RequestContext.REQUEST_ID, "r2").put("tenant", "t2").build();
		try (RequestContext.Scope scope = outer.open()) {
			try (RequestContext.Scope nested = inner.open()) {
				assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r2");
				assertThat(MDC.get("tenant")).as("the inner policy does not mirror it").isNull();
			}
			assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("r1");
			assertThat(MDC.get("tenant")).isEqualTo("t1");
		}
		assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
		assertThat(MDC.get("tenant")).isNull();
	}

	@Test
	void wrappedTaskRunsWithTheContextCapturedWhenItWasWrapped() throws Exception {
		RequestContext queued = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "queued"));
		Runnable[] task = new Runnable[1];
		AtomicReference<RequestContext> seen = new AtomicReference<>();
		try (RequestContext.Scope scope = queued.open()) {
			task[0] = RequestContext.current().wrap(() -> seen.set(RequestContext.current()));
		}
		Thread later = new Thread(task[0]);
		later.start();
		later.join();
		assertThat(seen.get()).isSameAs(queued);
		task[0].run();
		assertThat(seen.get()).isSameAs(queued);
	}

	@Test
	void typedGetConvertsPresentValues() {
		RequestContext context = RequestContext.of(Map.of("page", "3"));
		assertThat(context.get("page", Integer::valueOf)).hasValue(3);
		assertThat(context.get("missing", Integer::valueOf)).isEmpty();
		assertThat(context.getOrDefault("missing", "d")).isEqualTo("d");
		assertThat(context.containsKey("page")).isTrue();
		assertThat(context.size()).isEqualTo(1);
	}

	@Test
	void toStringShowsKeysButNoValues() {
		RequestContext context = RequestContext.of(Map.of("tenant", "acme-secret-tenant"));
		assertThat(context.toString()).contains("tenant").doesNotContain("acme-secret-tenant");
	}

	@Test
	void nullsAreRejected() {
		assertThatNullPointerException().isThrownBy(() -> RequestContext.empty().with(null, "v"));
		assertThatNullPointerException().isThrownBy(() -> RequestContext.empty().with("k", null))
			.withMessageContaining("'k'");
		assertThatNullPointerException().isThrownBy(() -> RequestContext.runWith(null, () -> {
		}));
	}

	@Test
	void emptyContextIsNotStoredInTheThreadLocal() {
		AtomicReference<RequestContext> seen = new AtomicReference<>();
		RequestContext.runWith(RequestContext.builder().build(), () -> seen.set(RequestContextHolder.getOrNull()));
		assertThat(seen.get()).isNull();
	}

}
