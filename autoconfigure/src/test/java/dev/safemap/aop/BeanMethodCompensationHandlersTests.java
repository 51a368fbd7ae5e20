package dev.safemap.aop;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.safemap.compensation.Compensable;
import dev.safemap.compensation.CompensationEntry;
import dev.safemap.compensation.CompensationHandler;
import dev.safemap.compensation.CompensationStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The replay route through proxies the application context does not usually make: a proxy of a proxy (as a
 * scoped proxy is) and an opaque proxy.
 */
class BeanMethodCompensationHandlersTests {

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();

	private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

	private final BeanMethodCompensationHandlers handlers = new BeanMethodCompensationHandlers(this.beanFactory,
			this.beanFactory.getBeanProvider(CircuitBreakerRegistry.class), this.beanFactory.getBeanProvider(
					tools.jackson.databind.json.JsonMapper.class),
			Duration.ofSeconds(5));

	BeanMethodCompensationHandlersTests() {
		this.beanFactory.addBean("breakers", this.breakers);
	}

	@Test
	void replayThroughAProxyOfAProxyRunsEveryOtherAdviceOnceAndTheBreakerInsteadOfTheCompensableAdvice()
			throws Exception {
		Object inner = proxy(new Client(this.calls), false, compensableAdvisor(), recordingAdvisor("inner advice"));
		this.beanFactory.addBean("client", proxy(inner, false, recordingAdvisor("outer advice")));
		CompensationHandler handler = this.handlers.apply("client#write(java.lang.String)");
		assertThat(handler).isNotNull();

		handler.replay(entry("[\"order-1\"]"));

		assertThat(this.calls).containsExactly("outer advice", "inner advice", "write order-1");
		CircuitBreaker breaker = this.breakers.circuitBreaker("client");
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void replayFailureGoesThroughTheBreakerAndPropagates() {
		this.beanFactory.addBean("client", proxy(new Client(this.calls), false, compensableAdvisor()));
		CompensationHandler handler = this.handlers.apply("client#write(java.lang.String)");
		assertThat(handler).isNotNull();
		org.assertj.core.api.Assertions.assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> handler.replay(entry("[\"fail\"]")))
			.withMessage("down");
		assertThat(this.breakers.circuitBreaker("client").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void opaqueProxyCannotBeResolvedForReplay() {
		this.beanFactory.addBean("client", proxy(new Client(this.calls), true, compensableAdvisor()));
		assertThatIllegalStateException().isThrownBy(() -> this.handlers.apply("client#write(java.lang.String)"))
			.withMessageContaining("opaque proxy");
		assertThat(this.calls).isEmpty();
	}

	private static Object proxy(Object target, boolean opaque, DefaultPointcutAdvisor... advisors) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.setOpaque(opaque);
		for (DefaultPointcutAdvisor advisor : advisors) {
			factory.addAdvisor(advisor);
		}
		return factory.getProxy();
	}

	/** The real interceptor, with nothing it could store to: entering it during a replay would fail the test. */
	private DefaultPointcutAdvisor compensableAdvisor() {
		CompensableMethodInterceptor interceptor = new CompensableMethodInterceptor(
				new CompensableMethodPostProcessor(),
				this.beanFactory.getBeanProvider(dev.safemap.compensation.CompensationRegistry.class),
				this.beanFactory.getBeanProvider(CircuitBreakerRegistry.class),
				this.beanFactory.getBeanProvider(tools.jackson.databind.json.JsonMapper.class),
				this.beanFactory.getBeanProvider(dev.safemap.compensation.ContextPropagator.class));
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
				new AnnotationMatchingPointcut(null, Compensable.class, true), interceptor);
		advisor.setOrder(0);
		return advisor;
	}

	private DefaultPointcutAdvisor recordingAdvisor(String name) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
				new AnnotationMatchingPointcut(null, Compensable.class, true), (MethodInterceptor) (invocation) -> {
					this.calls.add(name);
					return invocation.proceed();
				});
		advisor.setOrder(1);
		return advisor;
	}

	private static CompensationEntry entry(String arguments) {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		return new CompensationEntry("id-1", 1, "client#write(java.lang.String)", arguments, "key-1", "key-1",
				Map.of(), CompensationStatus.IN_PROGRESS, 0, now, null, now, "owner", now.plusSeconds(60));
	}

	public static class Client {

		private final List<String> calls;

		public Client(List<String> calls) {
			this.calls = calls;
		}

		@Compensable(name = "client", on = IOException.class)
		public void write(String id) throws IOException {
			if (id.equals("fail")) {
				throw new IOException("down");
			}
			this.calls.add("write " + id);
		}

	}

}
