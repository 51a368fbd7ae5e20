package dev.safemap.autoconfigure.dashboard;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the SafeMap dashboard ({@code safemap.dashboard.*}).
 * <p>
 * Thread-safety: bound once at startup, then only read.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.dashboard")
public class SafeMapDashboardProperties {

	/**
	 * Whether the dashboard page is served (under the management base path, on the management server when one is
	 * configured). Off by default: nothing is exposed and no thread is started unless this is true.
	 */
	private boolean enabled = false;

	/**
	 * Path of the page, below the management base path (management.endpoints.web.base-path).
	 */
	private String path = "/safemap-dashboard";

	/**
	 * Authority a Spring Security user needs to view the page (the operate authority also allows viewing). Ignored
	 * without Spring Security, where only loopback clients may view.
	 */
	private String viewAuthority = "SAFEMAP_VIEW";

	/**
	 * Authority a Spring Security user needs to retry and discard compensations from the page. Without Spring
	 * Security the page is read-only.
	 */
	private String operateAuthority = "SAFEMAP_OPERATE";

	/**
	 * How often an open page is sent new data, at least 1s. The data is sent only when it changed.
	 */
	private Duration refreshInterval = Duration.ofSeconds(1);

	/**
	 * How often an open page is sent a heartbeat when the data did not change.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(15);

	/**
	 * Name of this instance shown on every panel. When unset: spring.application.name, the process id and host.
	 */
	private @Nullable String instanceName;

	/**
	 * Address of a fleet dashboard (for example the Grafana dashboard over the safemap.* meters), linked from the
	 * page when set.
	 */
	private @Nullable String fleetDashboardUrl;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public String getViewAuthority() {
		return this.viewAuthority;
	}

	public void setViewAuthority(String viewAuthority) {
		this.viewAuthority = viewAuthority;
	}

	public String getOperateAuthority() {
		return this.operateAuthority;
	}

	public void setOperateAuthority(String operateAuthority) {
		this.operateAuthority = operateAuthority;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public @Nullable String getInstanceName() {
		return this.instanceName;
	}

	public void setInstanceName(@Nullable String instanceName) {
		this.instanceName = instanceName;
	}

	public @Nullable String getFleetDashboardUrl() {
		return this.fleetDashboardUrl;
	}

	public void setFleetDashboardUrl(@Nullable String fleetDashboardUrl) {
		this.fleetDashboardUrl = fleetDashboardUrl;
	}

}
