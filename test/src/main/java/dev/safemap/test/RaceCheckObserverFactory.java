package dev.safemap.test;

import java.util.Arrays;
import java.util.List;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The primary {@link MapObserverFactory} of a race-check context: the application's own factory (the
 * contention-hotspots accounting, when present) with {@link Perturbation} added to detect-mode maps.
 * Thread-safety: the delegate is resolved once, when the first map is built during startup.
 */
final class RaceCheckObserverFactory implements MapObserverFactory, BeanFactoryAware, BeanNameAware {

	static final String BEAN_NAME = "safeMapRaceCheckObserverFactory";

	private @Nullable ListableBeanFactory beanFactory;

	private String beanName = BEAN_NAME;

	private volatile @Nullable MapObserverFactory perturbed;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void setBeanName(String name) {
		this.beanName = name;
	}

	@Override
	public MapObserver create(String mapName, GuardMode mode) {
		MapObserverFactory factory = this.perturbed;
		if (factory == null) {
			factory = Perturbation.yieldBeforeWrites(delegate());
			this.perturbed = factory;
		}
		return factory.create(mapName, mode);
	}

	private MapObserverFactory delegate() {
		if (this.beanFactory == null) {
			return MapObserverFactory.NOOP;
		}
		List<String> others = Arrays.stream(this.beanFactory.getBeanNamesForType(MapObserverFactory.class))
			.filter((name) -> !name.equals(this.beanName))
			.toList();
		if (others.size() > 1) {
			throw new IllegalStateException("SafeMap race check: more than one MapObserverFactory bean " + others
					+ "; the guarded maps would not know which to use");
		}
		return others.isEmpty() ? MapObserverFactory.NOOP
				: this.beanFactory.getBean(others.get(0), MapObserverFactory.class);
	}

}
