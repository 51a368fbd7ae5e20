package dev.safemap.test.arch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.Nullable;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;

/**
 * ArchUnit rules for the static side of shared maps: what the race check cannot see because the code
 * never ran concurrently in a test.
 * <ul>
 * <li>{@link #NO_MUTABLE_MAP_FIELDS_IN_SINGLETONS}: a Spring singleton ({@code @Component},
 * {@code @Service}, {@code @Repository}, {@code @Controller}, {@code @RestController},
 * {@code @Configuration} and other {@code @Component} stereotypes, unless {@code @Scope}d prototype,
 * request or session, and not {@code @ConfigurationProperties}) has no {@code Map} field that is
 * non-final (injected fields excepted), declared as a mutable non-thread-safe map class
 * ({@code final HashMap}, which ArchUnit's "fields should be final" lets through), or initialised in a
 * constructor or initialiser with one ({@code final Map<K, V> m = new HashMap<>()}).</li>
 * <li>{@link #NO_STATIC_MUTABLE_MAPS}: no class has a static {@code Map} field that is non-final,
 * declared as a mutable non-thread-safe map class, or initialised with one in its static initialiser.</li>
 * </ul>
 * Thread-safe maps are {@link ConcurrentMap}s and {@code Hashtable}s; a mutable map wrapped on the same
 * statement by {@code Collections.unmodifiable*}/{@code Collections.synchronized*} or copied by a
 * {@code copyOf} method is fine, and so is {@code Map.of}. A field assigned from a constructor parameter
 * is not judged (its runtime type is unknown here; the race check's strict field finder sees it).
 * <p>
 * Accept a field by annotating it with an annotation whose simple name is {@code SafeMapAccepted} (declare
 * {@code @interface SafeMapAccepted { String value(); }} in your own code: this artifact is test scope
 * only) or {@code GuardedBy} (jcip, Error Prone, JSR 305), or by listing it as
 * {@code "com.acme.OrderService.cache"} in {@link #noMutableMapFieldsInSingletons(String...)} or
 * {@link #noStaticMutableMaps(String...)}.
 * <pre>{@code
 * @AnalyzeClasses(packages = "com.acme")
 * class MapRulesTests {
 *     @ArchTest
 *     static final ArchRule singletons = SafeMapArchRules.NO_MUTABLE_MAP_FIELDS_IN_SINGLETONS;
 *     @ArchTest
 *     static final ArchRule statics = SafeMapArchRules.noStaticMutableMaps("com.acme.Legacy.REGISTRY");
 * }
 * }</pre>
 * Thread-safety: the rules are immutable and may be shared.
 *
 * @since 0.1.0
 */
public final class SafeMapArchRules {

	/** No mutable, non-thread-safe or non-final map fields in Spring singletons; nothing accepted by list. */
	public static final ArchRule NO_MUTABLE_MAP_FIELDS_IN_SINGLETONS = noMutableMapFieldsInSingletons();

	/** No static mutable maps in any class; nothing accepted by list. */
	public static final ArchRule NO_STATIC_MUTABLE_MAPS = noStaticMutableMaps();

	private static final String COMPONENT = "org.springframework.stereotype.Component";

	private static final String SCOPE = "org.springframework.context.annotation.Scope";

	private static final Set<String> NON_SINGLETON_SCOPES = Set.of("prototype", "request", "session");

	private static final Set<String> NON_SINGLETON_SCOPE_ANNOTATIONS = Set.of(
			"org.springframework.web.context.annotation.RequestScope",
			"org.springframework.web.context.annotation.SessionScope");

	private static final String CONFIGURATION_PROPERTIES = "org.springframework.boot.context.properties.ConfigurationProperties";

	/** Mutable, not thread-safe map classes of the JDK; their subclasses too ({@code LinkedHashMap}). */
	private static final List<Class<?>> MUTABLE_MAP_CLASSES = List.of(java.util.HashMap.class, java.util.TreeMap.class,
			java.util.WeakHashMap.class, java.util.IdentityHashMap.class, java.util.EnumMap.class);

	private static final Set<String> INJECTION_ANNOTATIONS = Set.of("Autowired", "Inject", "Resource", "Value");

	private static final Set<String> ACCEPTING_ANNOTATIONS = Set.of("SafeMapAccepted", "GuardedBy");

	private SafeMapArchRules() {
	}

	/**
	 * The singleton rule, accepting the listed fields.
	 * @param acceptedFields fields to accept, as {@code fully.qualified.Class.field}
	 * @return the rule
	 */
	public static ArchRule noMutableMapFieldsInSingletons(String... acceptedFields) {
		Set<String> accepted = Set.of(acceptedFields);
		return fields().that(mapFields(false, accepted))
			.and(inSingletons())
			.should(beSafeMapFields(false))
			.because("a singleton is shared by every request thread, and a mutable non-thread-safe map in it loses"
					+ " entries and updates (safemap docs/testing.md)")
			.allowEmptyShould(true);
	}

	/**
	 * The static rule, accepting the listed fields.
	 * @param acceptedFields fields to accept, as {@code fully.qualified.Class.field}
	 * @return the rule
	 */
	public static ArchRule noStaticMutableMaps(String... acceptedFields) {
		Set<String> accepted = Set.of(acceptedFields);
		return fields().that(mapFields(true, accepted))
			.should(beSafeMapFields(true))
			.because("a static map is shared by every thread of the JVM (safemap docs/testing.md)")
			.allowEmptyShould(true);
	}

	private static DescribedPredicate<JavaField> mapFields(boolean statics, Set<String> accepted) {
		return DescribedPredicate.describe((statics ? "are static" : "are instance") + " Map fields not accepted",
				(field) -> field.getRawType().isAssignableTo(Map.class)
						&& field.getModifiers().contains(JavaModifier.STATIC) == statics
						&& !field.getModifiers().contains(JavaModifier.SYNTHETIC)
						&& !accepted.contains(field.getOwner().getName() + "." + field.getName())
						&& !hasAnnotationNamed(field, ACCEPTING_ANNOTATIONS));
	}

	private static DescribedPredicate<JavaField> inSingletons() {
		return DescribedPredicate.describe("are declared in Spring singletons", (field) -> isSingleton(field.getOwner()));
	}

	static boolean isSingleton(JavaClass type) {
		if (!(type.isAnnotatedWith(COMPONENT) || type.isMetaAnnotatedWith(COMPONENT))
				|| type.isAnnotatedWith(CONFIGURATION_PROPERTIES)) {
			return false;
		}
		for (String scoped : NON_SINGLETON_SCOPE_ANNOTATIONS) {
			if (type.isAnnotatedWith(scoped)) {
				return false;
			}
		}
		Optional<JavaAnnotation<JavaClass>> scope = type.tryGetAnnotationOfType(SCOPE);
		if (scope.isPresent()) {
			for (String attribute : List.of("value", "scopeName")) {
				Optional<Object> value = scope.get().get(attribute);
				if (value.isPresent() && NON_SINGLETON_SCOPES.contains(String.valueOf(value.get()))) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean hasAnnotationNamed(JavaField field, Set<String> simpleNames) {
		return field.getAnnotations()
			.stream()
			.anyMatch((annotation) -> simpleNames.contains(annotation.getRawType().getSimpleName()));
	}

	private static ArchCondition<JavaField> beSafeMapFields(boolean statics) {
		return new ArchCondition<>("be final and hold a thread-safe or immutable map") {
			@Override
			public void check(JavaField field, ConditionEvents events) {
				String problem = problem(field, statics);
				if (problem != null) {
					String message = "Field <" + field.getFullName() + "> " + problem + " in ("
							+ field.getOwner().getSimpleName() + ".java). Fix: hold a ConcurrentHashMap (atomic merge/compute),"
							+ " an immutable Map.of/Map.copyOf swapped through a volatile field, or synchronize every access"
							+ " and mark the field @SafeMapAccepted(\"reason\") or @GuardedBy(\"lock\")";
					events.add(SimpleConditionEvent.violated(field, message));
				}
			}
		};
	}

	private static @Nullable String problem(JavaField field, boolean statics) {
		JavaClass declared = field.getRawType();
		boolean isFinal = field.getModifiers().contains(JavaModifier.FINAL);
		if (!isFinal) {
			if (!statics && hasAnnotationNamed(field, INJECTION_ANNOTATIONS)) {
				return null; // injected once by the container
			}
			return "is a non-final " + declared.getSimpleName() + " field" + (statics ? " (static)" : "")
					+ ": any thread may swap it, and no one sees the swap safely";
		}
		if (isMutableMapClass(declared)) {
			return "is declared as " + declared.getName() + ", a mutable map that is not thread-safe"
					+ " (final only fixes the reference, not the contents)";
		}
		if (declared.isInterface() || declared.getModifiers().contains(JavaModifier.ABSTRACT)) {
			JavaConstructorCall creation = mutableCreation(field, statics);
			if (creation != null) {
				return "is initialised with a new " + creation.getTargetOwner().getName() + " (line "
						+ creation.getLineNumber() + "), a mutable map that is not thread-safe";
			}
		}
		return null;
	}

	private static boolean isMutableMapClass(JavaClass type) {
		if (type.isAssignableTo(ConcurrentMap.class)) {
			return false;
		}
		for (Class<?> mutable : MUTABLE_MAP_CLASSES) {
			if (type.isAssignableTo(mutable)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The creation of a mutable map that a constructor (or the static initializer) stores in the field:
	 * a {@code new HashMap} between the previous field assignment of that code unit and this one, with
	 * no wrapping or copying call ({@code Collections.unmodifiableMap}, {@code Map.copyOf}) in between.
	 */
	private static @Nullable JavaConstructorCall mutableCreation(JavaField field, boolean statics) {
		List<JavaCodeUnit> codeUnits = new ArrayList<>();
		if (statics) {
			field.getOwner().getStaticInitializer().ifPresent(codeUnits::add);
		}
		else {
			codeUnits.addAll(field.getOwner().getConstructors());
		}
		for (JavaCodeUnit codeUnit : codeUnits) {
			List<JavaFieldAccess> sets = codeUnit.getFieldAccesses()
				.stream()
				.filter((access) -> access.getAccessType() == JavaFieldAccess.AccessType.SET)
				.sorted(Comparator.comparingInt(JavaAccess::getLineNumber))
				.toList();
			int previousLine = -1;
			for (JavaFieldAccess set : sets) {
				AccessTarget.FieldAccessTarget target = set.getTarget();
				if (target.getName().equals(field.getName()) && target.getOwner().equals(field.getOwner())) {
					JavaConstructorCall creation = creationBetween(codeUnit, previousLine, set.getLineNumber());
					if (creation != null) {
						return creation;
					}
				}
				previousLine = set.getLineNumber();
			}
		}
		return null;
	}

	private static @Nullable JavaConstructorCall creationBetween(JavaCodeUnit codeUnit, int after, int upTo) {
		for (JavaMethodCall call : codeUnit.getMethodCallsFromSelf()) {
			int line = call.getLineNumber();
			String name = call.getName();
			boolean wraps = (call.getTargetOwner().getName().equals("java.util.Collections")
					&& (name.startsWith("unmodifiable") || name.startsWith("synchronized"))) || name.equals("copyOf");
			if (wraps && line > after && line <= upTo) {
				return null;
			}
		}
		for (JavaConstructorCall call : codeUnit.getConstructorCallsFromSelf()) {
			int line = call.getLineNumber();
			if (line > after && line <= upTo && isMutableMapClass(call.getTargetOwner())) {
				return call;
			}
		}
		return null;
	}

}
