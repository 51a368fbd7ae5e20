package dev.safemap.aop;

import dev.safemap.breaker.FallbackCached;
import dev.safemap.breaker.FallbackCaches;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every {@link FallbackCached} method of every bean at startup (cache name, return type,
 * key expression, the cache's settings), so that a mistake fails startup naming the method rather
 * than the first call. After all singletons are created, creates the caches, so that their
 * circuit breakers exist (and the one-line notice about missing breaker configuration is logged)
 * before the first call.
 */
public final class FallbackCachedMethodValidator implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private final FallbackCachedMethods methods = new FallbackCachedMethods();

	private BeanFactory beanFactory;

	FallbackCachedMethods methods() {
		return this.methods;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (type.getName().startsWith("org.springframework.")) {
			return bean;
		}
		ReflectionUtils.doWithMethods(type, this.methods::plan,
				(method) -> !method.isBridge() && AnnotatedElementUtils.hasAnnotation(method, FallbackCached.class));
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		FallbackCaches caches = this.beanFactory.getBeanProvider(FallbackCaches.class).getIfAvailable();
		if (caches != null) {
			this.methods.cacheNames().forEach(caches::cache);
		}
	}

}
