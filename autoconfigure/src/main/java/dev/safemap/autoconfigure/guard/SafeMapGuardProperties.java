package dev.safemap.autoconfigure.guard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.safemap.guard.GuardMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of guarded map beans ({@code safemap.guard.*}).
 * <p>
 * Thread-safety: bound once at startup and then only read; not thread-safe while being bound.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.guard")
public class SafeMapGuardProperties {

	/**
	 * Whether to guard shared map beans.
	 */
	private boolean enabled = true;

	/**
	 * Mode of every map bean without a mode of its own: guard (replace by a thread-safe map),
	 * watch (guard, and sample reads for check-then-act lost updates), detect (keep the map and
	 * report unsafe use) or off.
	 */
	private GuardMode defaultMode = GuardMode.GUARD;

	/**
	 * Names of the only map beans to guard. Empty means every singleton map bean. A name that is
	 * not a map bean fails startup.
	 */
	private List<String> include = new ArrayList<>();

	/**
	 * Names of map beans to leave alone. A name that is not a bean is only warned about.
	 */
	private List<String> exclude = new ArrayList<>();

	/**
	 * Settings of single map beans, by bean name. A name that is not a map bean fails startup.
	 */
	private Map<String, MapSettings> maps = new LinkedHashMap<>();

	/**
	 * What to do about singleton beans that keep a mutable, non-thread-safe map in a field: report
	 * them once at startup, wrap (replace a non-final field's value by a guarded map), or off.
	 */
	private Fields fields = Fields.REPORT;

	/**
	 * Maximum number of race reports kept in memory, for the whole application and for each map.
	 */
	private int maxReports = 100;

	/**
	 * Watch mode watches reads for lost updates 1/N of the time (in 1 ms windows, every read in
	 * them; 1: always): N is a power of two from 1 to 1048576. Lower finds a lost update sooner
	 * and costs more.
	 */
	private int watchSampling = 64;

	public int getWatchSampling() {
		return this.watchSampling;
	}

	public void setWatchSampling(int watchSampling) {
		this.watchSampling = watchSampling;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public GuardMode getDefaultMode() {
		return this.defaultMode;
	}

	public void setDefaultMode(GuardMode defaultMode) {
		this.defaultMode = defaultMode;
	}

	public List<String> getInclude() {
		return this.include;
	}

	public void setInclude(List<String> include) {
		this.include = include;
	}

	public List<String> getExclude() {
		return this.exclude;
	}

	public void setExclude(List<String> exclude) {
		this.exclude = exclude;
	}

	public Map<String, MapSettings> getMaps() {
		return this.maps;
	}

	public void setMaps(Map<String, MapSettings> maps) {
		this.maps = maps;
	}

	public Fields getFields() {
		return this.fields;
	}

	public void setFields(Fields fields) {
		this.fields = fields;
	}



	public int getMaxReports() {
		return this.maxReports;
	}

	public void setMaxReports(int maxReports) {
		this.maxReports = maxReports;
	}

	/**
	 * Settings of one map bean.
	 * <p>
	 * Thread-safety: as for {@link SafeMapGuardProperties}.
	 *
	 * @since 0.1.0
	 */
	public static class MapSettings {

		/**
		 * Mode of this map bean; the default mode when not set.
		 */
		private @Nullable GuardMode mode;

		public @Nullable GuardMode getMode() {
			return this.mode;
		}

		public void setMode(@Nullable GuardMode mode) {
			this.mode = mode;
		}

	}

	/**
	 * What the startup finder does about map fields of singleton beans.
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
