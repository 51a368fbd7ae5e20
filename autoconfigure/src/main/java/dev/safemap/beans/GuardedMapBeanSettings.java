package dev.safemap.beans;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import org.jspecify.annotations.Nullable;

/**
 * What {@link GuardedMapBeanPostProcessor} does with the map beans and map fields of a context:
 * plain values, so that the post-processor depends on no properties class (the auto-configuration
 * binds {@code safemap.guard.*} and passes them here).
 * <p>
 * The mode of a map bean is its own mode in {@code modes} when set; else {@link GuardMode#OFF} when
 * {@code exclude} names it, or when {@code include} is not empty and does not name it; else
 * {@code defaultMode}. Names in {@code include} and in {@code modes} must be map beans of the
 * context (startup fails otherwise); names in {@code exclude} that are no bean are only warned about.
 * {@code exclude} also takes {@code bean.field} names of map fields.
 * <p>
 * Thread-safety: immutable (the collections are unmodifiable copies), so thread-safe.
 *
 * @param defaultMode the mode of every map bean without a mode of its own
 * @param modes the modes of single map beans, by bean name; a {@code null} mode means the default
 * mode, but the name is still checked
 * @param include the names of the only map beans to guard; empty means every singleton map bean
 * @param exclude the names of map beans (or {@code bean.field} map fields) to leave alone
 * @param fields what to do about singleton beans that keep a mutable map in a field
 * @param showKeys whether race reports show keys as they are instead of masked
 * @param watchSampling watch mode watches reads 1/watchSampling of the time (a power of two, see
 * {@link GuardedMap.Builder#watchSampling(int)})
 * @since 0.1.0
 */
public record GuardedMapBeanSettings(GuardMode defaultMode, Map<String, @Nullable GuardMode> modes,
		List<String> include, List<String> exclude, Fields fields, boolean showKeys, int watchSampling) {

	/** Default of {@link #watchSampling()}: reads watched 1/64 of the time. */
	public static final int DEFAULT_WATCH_SAMPLING = 64;

	/**
	 * Settings with the default watch sampling.
	 * @param defaultMode the mode of every map bean without a mode of its own
	 * @param modes the modes of single map beans
	 * @param include the names of the only map beans to guard
	 * @param exclude the names of map beans to leave alone
	 * @param fields what to do about map fields
	 * @param showKeys whether race reports show raw keys
	 */
	public GuardedMapBeanSettings(GuardMode defaultMode, Map<String, @Nullable GuardMode> modes, List<String> include,
			List<String> exclude, Fields fields, boolean showKeys) {
		this(defaultMode, modes, include, exclude, fields, showKeys, DEFAULT_WATCH_SAMPLING);
	}

	/**
	 * Checks and copies the settings.
	 * @throws NullPointerException if an argument, or a name in them, is {@code null}
	 */
	public GuardedMapBeanSettings {
		Objects.requireNonNull(defaultMode, "defaultMode must not be null");
		Objects.requireNonNull(fields, "fields must not be null");
		Map<String, @Nullable GuardMode> copy = new LinkedHashMap<>();
		Objects.requireNonNull(modes, "modes must not be null").forEach((name, mode) -> copy
			.put(Objects.requireNonNull(name, "modes must not hold a null name"), mode));
		modes = Collections.unmodifiableMap(copy);
		include = List.copyOf(include);
		GuardedMap.builder("settings").watchSampling(watchSampling); // throws IAE with the bad value
		exclude = List.copyOf(exclude);
	}

	/**
	 * The defaults: every singleton map bean guarded, map fields reported, keys masked.
	 * @return the default settings
	 */
	public static GuardedMapBeanSettings defaults() {
		return new GuardedMapBeanSettings(GuardMode.GUARD, Map.of(), List.of(), List.of(), Fields.REPORT, false);
	}

	/** @return the bean's own mode, or {@code null} when it has none */
	@Nullable GuardMode modeOf(String name) {
		return this.modes.get(name);
	}

	/**
	 * What the post-processor does about map fields of singleton beans, once every singleton exists.
	 *
	 * @since 0.1.0
	 */
	public enum Fields {

		/** Log one WARN per field: bean, field, type and the fix. */
		REPORT,

		/** Replace the value of a non-final field whose type accepts a guarded map; report the others. */
		WRAP,

		/** Do not look at fields. */
		OFF

	}

}
