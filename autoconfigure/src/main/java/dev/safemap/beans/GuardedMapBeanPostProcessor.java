package dev.safemap.beans;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import dev.safemap.diagnostics.UnguardableMapException;
import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.MapKinds;
import dev.safemap.guard.MapObserver;
import dev.safemap.guard.MapObserverFactory;
import dev.safemap.support.KeyMasker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Replaces singleton beans whose runtime type is a non-thread-safe {@link Map} ({@code HashMap},
 * {@code LinkedHashMap}, {@code TreeMap}) by {@link GuardedMap}s, wraps already thread-safe
 * {@code ConcurrentMap} beans for observation, and, once every singleton exists, checks the
 * configured bean names and reports (or wraps) map fields of singleton beans. What it does is set by
 * {@link GuardedMapBeanSettings}; the auto-configuration binds them from {@code safemap.guard.*}, and
 * the failures it raises name those properties.
 * <p>
 * One original map becomes exactly one guarded map, whoever refers to it: a map bean and the fields that hold
 * the same instance (with {@code safemap.guard.fields=wrap}) all end up with the same guarded map, so a write
 * through one is seen through the others. A map that holds a {@code null} key or value cannot be guarded (a
 * guarded map is a {@code ConcurrentMap}): startup fails with an {@link UnguardableMapException} that names the
 * map and the (masked) key.
 * <p>
 * Thread-safety: used by the container during startup only.
 *
 * @since 0.1.0
 */
public class GuardedMapBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton,
		Ordered {

	private static final Logger logger = LoggerFactory.getLogger(GuardedMapBeanPostProcessor.class);

	// "org.h2" without its dot: the build relocates H2 into this jar and would rewrite a constant "org.h2." too
	private static final String[] LIBRARY_PREFIXES = { "java.", "javax.", "jdk.", "sun.", "com.sun.",
			"org.springframework.", "jakarta.", "org.apache.", "io.micrometer.", "io.github.resilience4j.",
			"com.github.benmanes.", "tools.jackson.", "com.fasterxml.", "com.zaxxer.", "org.h2", "reactor.",
			"io.netty.", "org.hibernate.", "ch.qos.logback.", "org.slf4j.", "kotlin." };

	private static final @Nullable String SAFEMAP_CODE_SOURCE = codeSourceOf(GuardedMapBeanPostProcessor.class);

	private final GuardedMapBeanSettings settings;

	private final ObjectProvider<GuardedMapRegistry> registry;

	private final ObjectProvider<MapObserverFactory> observerFactory;

	private final Supplier<KeyMasker> keyMasker;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private final Set<String> guardedBeans = new HashSet<>();

	private final List<String> unguardedFields = new CopyOnWriteArrayList<>();

	/** Every map guarded so far, by identity of the original: one original, one guarded map. */
	private final Map<Map<?, ?>, GuardedMap<?, ?>> guardedByOriginal = new IdentityHashMap<>();

	/**
	 * Creates the post-processor.
	 * @param settings what to guard, and how
	 * @param registry the registry of guarded maps
	 * @param observerFactory the observer factory, {@link MapObserverFactory#NOOP} when absent
	 */
	public GuardedMapBeanPostProcessor(GuardedMapBeanSettings settings, ObjectProvider<GuardedMapRegistry> registry,
			ObjectProvider<MapObserverFactory> observerFactory) {
		this(settings, registry, observerFactory, KeyMasker::shared);
	}

	/**
	 * Creates the post-processor.
	 * @param settings what to guard, and how
	 * @param registry the registry of guarded maps
	 * @param observerFactory the observer factory, {@link MapObserverFactory#NOOP} when absent
	 * @param keyMasker the application's key masker, asked for when the first map is guarded
	 */
	public GuardedMapBeanPostProcessor(GuardedMapBeanSettings settings, ObjectProvider<GuardedMapRegistry> registry,
			ObjectProvider<MapObserverFactory> observerFactory, Supplier<KeyMasker> keyMasker) {
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(keyMasker, "'keyMasker' must not be null");
		this.settings = settings;
		this.registry = registry;
		this.observerFactory = observerFactory;
		this.keyMasker = keyMasker;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof Map<?, ?> map) || bean instanceof GuardedMap || this.beanFactory == null
				|| !this.beanFactory.containsBeanDefinition(beanName)) {
			return bean;
		}
		BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(beanName);
		if (!definition.isSingleton() || definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
			return bean;
		}
		GuardMode mode = modeOf(beanName);
		boolean explicit = isExplicit(beanName);
		if (mode == GuardMode.OFF) {
			logger.debug("Leaving map bean '{}' ({}) alone: its mode is OFF", beanName, bean.getClass().getName());
			return bean;
		}
		String whyNot = MapKinds.whyNotGuardable(map);
		ResolvableType declared = declaredType(definition);
		if (whyNot == null && !declared.toClass().isAssignableFrom(GuardedMap.class)) {
			whyNot = "it is declared as " + declared + ", and a guarded map is a ConcurrentMap, not a "
					+ declared.toClass().getSimpleName() + "; declare the @Bean method's return type as Map<K, V>"
					+ " (and inject it as Map<K, V>)";
		}
		if (whyNot != null) {
			return leaveAlone(beanName, map, mode, explicit, whyNot);
		}
		GuardedMap<?, ?> existing = this.guardedByOriginal.get(map);
		if (existing != null) {
			logger.info("SafeMap gives map bean '{}' the guarded map '{}': both were made from the same {}", beanName,
					existing.name(), bean.getClass().getName());
			return existing;
		}
		if (mode != GuardMode.DETECT) {
			rejectNulls(map, "map bean '" + beanName + "'", "safemap.guard.exclude=" + beanName
					+ " (or safemap.guard.maps." + beanName + ".mode=off)");
		}
		GuardedMap.Builder builder = GuardedMap.builder(beanName)
			.mode(mode)
			.observer(observerFor(beanName, mode))
			.registry(this.registry.getObject())
			.showKeys(this.settings.showKeys())
			.watchSampling(this.settings.watchSampling())
			.keyMasker(this.keyMasker.get());
		if (declared.asMap().getGeneric(1).resolve() == Integer.class) {
			builder.counterType(Integer.class);
		}
		int size = map.size();
		@SuppressWarnings("unchecked")
		GuardedMap<Object, Object> guarded = builder.wrap((Map<Object, Object>) map);
		this.guardedByOriginal.put(map, guarded);
		this.guardedBeans.add(beanName);
		logger.info("SafeMap {} map bean '{}' ({}, {} entries) in {} mode", verb(mode),
				beanName, bean.getClass().getName(), size, mode);
		return guarded;
	}

	private static String verb(GuardMode mode) {
		return (mode == GuardMode.GUARD) ? "guards" : (mode == GuardMode.WATCH) ? "guards and watches" : "watches";
	}

	private Object leaveAlone(String beanName, Map<?, ?> map, GuardMode mode, boolean explicit, String whyNot) {
		if (explicit) {
			throw new InvalidSafeMapPropertyException(propertyNaming(beanName), beanName,
					"map bean '" + beanName + "' (" + map.getClass().getName() + ") cannot be put in " + mode
							+ " mode: " + whyNot,
					"Change the bean as described, or remove '" + beanName + "' from " + propertyNaming(beanName)
							+ " (accepted: names of map beans SafeMap can guard: " + guardableNames() + ")");
		}
		if (whyNot.contains("unmodifiable") || MapKinds.isThreadSafe(map)) {
			// already safe: only observation is lost, which is no reason to warn
			logger.debug("Leaving map bean '{}' alone: {}", beanName, whyNot);
		}
		else {
			logger.warn("SafeMap leaves map bean '{}' ({}) unguarded: {}. To silence this, add '{}' to"
					+ " safemap.guard.exclude.", beanName, map.getClass().getName(), whyNot, beanName);
		}
		return map;
	}

	private MapObserver observerFor(String name, GuardMode mode) {
		MapObserverFactory factory = this.observerFactory.getIfAvailable(() -> MapObserverFactory.NOOP);
		return Objects.requireNonNull(factory.create(name, mode), "MapObserverFactory returned null for " + name);
	}

	private GuardMode modeOf(String name) {
		GuardMode own = this.settings.modeOf(name);
		if (own != null) {
			return own;
		}
		if (this.settings.exclude().contains(name)) {
			return GuardMode.OFF;
		}
		if (!this.settings.include().isEmpty() && !this.settings.include().contains(name)) {
			return GuardMode.OFF;
		}
		return this.settings.defaultMode();
	}

	private boolean isExplicit(String name) {
		return this.settings.include().contains(name) || this.settings.modeOf(name) != null;
	}

	private String propertyNaming(String name) {
		return (this.settings.modeOf(name) != null) ? "safemap.guard.maps." + name + ".mode"
				: "safemap.guard.include";
	}

	private static ResolvableType declaredType(BeanDefinition definition) {
		if (definition instanceof RootBeanDefinition root) {
			ResolvableType type = root.getResolvableType();
			if (type != ResolvableType.NONE && type.resolve() != null) {
				return type;
			}
		}
		return definition.getResolvableType();
	}

	/**
	 * Returns the map fields of singleton beans that the field finder found holding a mutable,
	 * non-thread-safe map and left unguarded (reported at WARN), one line each:
	 * {@code bean.field (map type in declaring class): fix}. With {@code safemap.guard.fields=wrap}
	 * these are the fields SafeMap could not wrap. Lets tests fail on them (safemap-spring-boot-test's
	 * strict mode).
	 * @return the findings so far, empty before startup completes or with {@code fields=off}
	 * @since 0.1.0
	 */
	public List<String> unguardedFields() {
		return List.copyOf(this.unguardedFields);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory == null) {
			return;
		}
		checkNames();
		if (this.settings.fields() != GuardedMapBeanSettings.Fields.OFF) {
			findMapFields(this.beanFactory);
		}
	}

	private void checkNames() {
		for (String name : this.settings.include()) {
			checkMapBean("safemap.guard.include", name);
		}
		for (String name : this.settings.modes().keySet()) {
			checkMapBean("safemap.guard.maps." + name + ".mode", name);
		}
		for (String name : this.settings.exclude()) {
			String bean = name.contains(".") && !this.beanFactory.containsBean(name) ? name.substring(0, name.indexOf('.'))
					: name;
			if (!this.beanFactory.containsBean(bean)) {
				logger.warn("safemap.guard.exclude names '{}', but there is no such bean (map beans: {})", name,
						mapBeanNames());
			}
		}
	}

	private void checkMapBean(String property, String name) {
		if (!this.beanFactory.containsBean(name)) {
			throw new InvalidSafeMapPropertyException(property, name, "there is no bean named '" + name + "'",
					didYouMean(name) + "Name a map bean of this context: " + mapBeanNames());
		}
		Class<?> type = this.beanFactory.getType(name);
		if (type != null && !Map.class.isAssignableFrom(type)) {
			throw new InvalidSafeMapPropertyException(property, name,
					"bean '" + name + "' is a " + type.getName() + ", not a Map",
					didYouMean(name) + "Name a map bean of this context: " + mapBeanNames());
		}
	}

	/** {@code Did you mean 'requestCounts'? } when a map bean's name is a small edit away, else empty. */
	private String didYouMean(String name) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : mapBeanNames()) {
			int distance = editDistance(name.toLowerCase(java.util.Locale.ROOT),
					candidate.toLowerCase(java.util.Locale.ROOT));
			if (!candidate.equals(name) && distance < bestDistance) {
				best = candidate;
				bestDistance = distance;
			}
		}
		return (best != null && bestDistance <= Math.max(2, name.length() / 3)) ? "Did you mean '" + best + "'? "
				: "";
	}

	/** Levenshtein distance: insertions, deletions and substitutions. */
	static int editDistance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitute = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/**
	 * The map beans of the application: Spring's own ({@code systemProperties}, {@code systemEnvironment}, and any
	 * infrastructure bean or bean of a Spring type) are never offered, as a user cannot mean them.
	 */
	private List<String> mapBeanNames() {
		List<String> names = new ArrayList<>();
		for (String name : this.beanFactory.getBeanNamesForType(Map.class, false, false)) {
			if (!isSpringsOwn(name)) {
				names.add(name);
			}
		}
		names.sort(null);
		return names;
	}

	private boolean isSpringsOwn(String name) {
		if (name.equals(ConfigurableApplicationContext.SYSTEM_PROPERTIES_BEAN_NAME)
				|| name.equals(ConfigurableApplicationContext.SYSTEM_ENVIRONMENT_BEAN_NAME)) {
			return true;
		}
		if (this.beanFactory.containsBeanDefinition(name)
				&& this.beanFactory.getBeanDefinition(name).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
			return true;
		}
		Class<?> type = this.beanFactory.getType(name, false);
		return type != null && type.getName().startsWith("org.springframework.");
	}

	private List<String> guardableNames() {
		List<String> names = new ArrayList<>(this.guardedBeans);
		names.sort(null);
		return names.isEmpty() ? mapBeanNames() : names;
	}

	private void findMapFields(ConfigurableListableBeanFactory factory) {
		for (String name : factory.getBeanDefinitionNames()) {
			BeanDefinition definition = factory.getMergedBeanDefinition(name);
			if (!definition.isSingleton() || definition.isAbstract()
					|| definition.getRole() != BeanDefinition.ROLE_APPLICATION || !factory.containsSingleton(name)) {
				continue;
			}
			Object bean = factory.getSingleton(name);
			if (bean == null || bean instanceof Map) {
				continue;
			}
			Object singletonTarget = AopProxyUtils.getSingletonTarget(bean);
			Object target = (singletonTarget != null) ? singletonTarget : bean;
			Class<?> type = ClassUtils.getUserClass(target);
			if (isLibraryOrSafeMap(type) || type.isAnnotationPresent(ConfigurationProperties.class)) {
				continue;
			}
			for (Class<?> current = type; current != null && !isLibraryOrSafeMap(current); current = current.getSuperclass()) {
				for (Field field : current.getDeclaredFields()) {
					if (!field.isSynthetic() && Map.class.isAssignableFrom(field.getType())) {
						inspectField(name, target, field);
					}
				}
			}
		}
	}

	private void inspectField(String beanName, Object target, Field field) {
		String fieldName = beanName + "." + field.getName();
		if (this.settings.exclude().contains(fieldName)) {
			return;
		}
		boolean isStatic = Modifier.isStatic(field.getModifiers());
		Object value;
		try {
			field.setAccessible(true);
			value = field.get(isStatic ? null : target);
		}
		catch (RuntimeException | IllegalAccessException ex) {
			logger.debug("Cannot read field {} of bean '{}': {}", field.getName(), beanName, ex.toString());
			return;
		}
		if (!(value instanceof Map<?, ?> map) || MapKinds.isThreadSafe(map)
				|| MapKinds.whyNotGuardable(map) != null) {
			return;
		}
		boolean wrappable = !Modifier.isFinal(field.getModifiers()) && field.getType().isAssignableFrom(GuardedMap.class);
		GuardMode mode = this.settings.defaultMode();
		GuardedMap<?, ?> existing = this.guardedByOriginal.get(map);
		boolean wrap = this.settings.fields() == GuardedMapBeanSettings.Fields.WRAP && wrappable;
		if (existing != null && wrap) {
			// the same original as a map bean or another field: share its guarded map rather than split the data
			setField(field, isStatic ? null : target, existing, fieldName);
			logger.info("SafeMap points field '{}' of bean '{}' to the guarded map '{}', made from the same {}",
					field.getName(), beanName, existing.name(), map.getClass().getName());
			return;
		}
		if (existing != null) {
			logger.warn("Singleton bean '{}' keeps in field '{}' ({}) the {} that SafeMap replaced by the guarded map"
					+ " '{}' elsewhere: writes through this field are not seen through '{}', nor the other way round."
					+ " Fix: inject the map bean instead of keeping the original, or declare the field as a non-final"
					+ " Map and set safemap.guard.fields=wrap.", beanName, field.getName(),
					field.getDeclaringClass().getName(), map.getClass().getName(), existing.name(), existing.name());
			return;
		}
		if (wrap && mode != GuardMode.OFF) {
			if (mode != GuardMode.DETECT) {
				rejectNulls(map, "field '" + field.getName() + "' of bean '" + beanName + "'",
						"safemap.guard.exclude=" + fieldName);
			}
			int size = map.size();
			@SuppressWarnings("unchecked")
			GuardedMap<Object, Object> guarded = GuardedMap.builder(fieldName)
				.mode(mode)
				.observer(observerFor(fieldName, mode))
				.registry(this.registry.getObject())
				.showKeys(this.settings.showKeys())
				.watchSampling(this.settings.watchSampling())
				.keyMasker(this.keyMasker.get())
				.wrap((Map<Object, Object>) map);
			this.guardedByOriginal.put(map, guarded);
			setField(field, isStatic ? null : target, guarded, fieldName);
			logger.info("SafeMap {} field '{}' of bean '{}' ({}, {} entries) in {} mode",
					verb(mode), field.getName(), beanName,
					map.getClass().getName(), size, mode);
			return;
		}
		String fix = wrappable ? "set safemap.guard.fields=wrap to replace it by a guarded map at startup"
				: "the field is " + (Modifier.isFinal(field.getModifiers()) ? "final" : "declared as " + field.getType().getSimpleName())
						+ ", so SafeMap cannot replace it: declare it as a non-final Map and set safemap.guard.fields=wrap,"
						+ " or initialise it with a ConcurrentHashMap";
		this.unguardedFields.add(fieldName + " (" + map.getClass().getName() + " in " + field.getDeclaringClass().getName()
				+ "): " + fix);
		logger.warn("Singleton bean '{}' keeps a mutable {} in field '{}' ({}), shared by every thread that uses the"
				+ " bean. Fix: {}; or, if every access is synchronized, add '{}' to safemap.guard.exclude.", beanName,
				map.getClass().getName(), field.getName(), field.getDeclaringClass().getName(), fix, fieldName);
	}

	private static void setField(Field field, @Nullable Object target, Object value, String fieldName) {
		try {
			field.set(target, value);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot replace field " + fieldName + " that was just made accessible", ex);
		}
	}

	/**
	 * A guarded map is a {@code ConcurrentMap}, which holds no null key or value: fail with the map and the
	 * (masked) key rather than with the bare NullPointerException of the copy.
	 */
	private void rejectNulls(Map<?, ?> map, String what, String leaveAlone) {
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			Object key = entry.getKey();
			if (key == null || entry.getValue() == null) {
				String reason = (key == null) ? "it holds a null key"
						: "it holds a null value for key " + this.keyMasker.get().maskUnless(key, this.settings.showKeys());
				throw new UnguardableMapException(what, reason + " (" + map.getClass().getName() + ", "
						+ map.size() + " entries), and a guarded map, like a ConcurrentHashMap, holds no null keys"
						+ " or values", "Do not store null in this map: remove the entry, or store a value that means"
						+ " 'absent' (Optional.empty(), a constant). Or leave the map unguarded with " + leaveAlone
						+ " if every access to it is synchronized.");
			}
		}
	}

	private static boolean isLibraryOrSafeMap(Class<?> type) {
		String name = type.getName();
		for (String prefix : LIBRARY_PREFIXES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return name.startsWith("dev.safemap.") && SAFEMAP_CODE_SOURCE != null
				&& SAFEMAP_CODE_SOURCE.equals(codeSourceOf(type));
	}

	private static @Nullable String codeSourceOf(Class<?> type) {
		CodeSource source = type.getProtectionDomain().getCodeSource();
		return (source != null && source.getLocation() != null) ? source.getLocation().toString() : null;
	}

}
