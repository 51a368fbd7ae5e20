package dev.safemap.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.safemap.compensation.Compensable;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Says why {@code @Compensable} does nothing when compensation cannot start because a library it needs is missing
 * from the class path: one warning, at the first bean with a {@code @Compensable} method, naming the dependency to
 * add. Without it the annotated call would simply throw, with nothing telling that compensation is off.
 * <p>
 * Thread-safety: thread-safe; the warning is logged once.
 *
 * @since 0.1.0
 */
public final class CompensationUnavailableReporter implements BeanPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(CompensationUnavailableReporter.class);

	/** A class compensation needs, and the dependency that brings it. */
	private static final Map<String, String> REQUIRED = requirements();

	private final List<String> missing;

	private final AtomicBoolean reported = new AtomicBoolean();

	/**
	 * Creates a reporter for the libraries missing from a class loader's class path.
	 * @param classLoader the application's class loader
	 */
	public CompensationUnavailableReporter(@Nullable ClassLoader classLoader) {
		this.missing = missing(classLoader);
	}

	private static Map<String, String> requirements() {
		Map<String, String> required = new LinkedHashMap<>();
		required.put("io.github.resilience4j.circuitbreaker.CircuitBreaker",
				"io.github.resilience4j:resilience4j-circuitbreaker");
		required.put("io.github.resilience4j.core.IntervalFunction", "io.github.resilience4j:resilience4j-core");
		required.put("tools.jackson.databind.json.JsonMapper", "tools.jackson.core:jackson-databind");
		required.put("org.springframework.jdbc.core.simple.JdbcClient", "org.springframework:spring-jdbc");
		return required;
	}

	/**
	 * Returns the dependencies compensation needs that a class loader cannot see.
	 * @param classLoader the class loader
	 * @return the missing dependencies, as {@code groupId:artifactId}
	 */
	public static List<String> missing(@Nullable ClassLoader classLoader) {
		List<String> missing = new ArrayList<>();
		REQUIRED.forEach((type, dependency) -> {
			if (!ClassUtils.isPresent(type, classLoader) && !missing.contains(dependency)) {
				missing.add(dependency);
			}
		});
		return missing;
	}

	/**
	 * Returns the one line that says compensation is off and what to add.
	 * @param where what asked for compensation (an annotated method, a property)
	 * @return the line
	 */
	public String message(String where) {
		return "Compensation is off, so " + where + " is not compensated (a failing call just throws): add "
				+ String.join(" and ", this.missing) + " to the class path (safemap-spring-boot-starter brings it)";
	}

	/**
	 * Returns the startup failure for a property that asked for compensation explicitly.
	 * @param property the property
	 * @param value its value
	 * @return the failure, naming the property and the dependency to add
	 */
	public InvalidSafeMapPropertyException requested(String property, Object value) {
		return new InvalidSafeMapPropertyException(property, value,
				"compensation cannot start: " + String.join(" and ", this.missing) + " missing from the class path",
				"Add " + String.join(" and ", this.missing)
						+ " (safemap-spring-boot-starter brings it), or remove the property");
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (this.missing.isEmpty() || this.reported.get()) {
			return bean;
		}
		Class<?> type = ClassUtils.getUserClass(bean);
		Map<Method, Boolean> annotated = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<Boolean>) (method) -> AnnotatedElementUtils
					.hasAnnotation(method, Compensable.class) ? Boolean.TRUE : null);
		if (!annotated.isEmpty() && this.reported.compareAndSet(false, true)) {
			Method first = annotated.keySet().iterator().next();
			logger.warn(message("@Compensable " + type.getSimpleName() + "." + first.getName()
					+ ((annotated.size() > 1) ? " (and the other @Compensable methods)" : "")));
		}
		return bean;
	}

}
