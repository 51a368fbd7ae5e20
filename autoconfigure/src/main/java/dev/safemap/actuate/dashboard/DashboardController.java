package dev.safemap.actuate.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.safemap.actuate.compensation.CompensationsEndpoint;
import dev.safemap.actuate.compensation.CompensationsEndpoint.ActionDescriptor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Serves the SafeMap dashboard under {@code <management base path><safemap.dashboard.path>}: the page and its
 * assets (from this jar, no CDN), the session ({@code api/session}), a snapshot ({@code api/snapshot}, for polling),
 * the server-sent event stream ({@code api/stream}) and the operator actions ({@code POST
 * api/compensations/{id}/retry}, {@code POST api/compensations/{id}/discard} with {@code {"reason": "..."}}).
 * <p>
 * Every answer carries a strict Content-Security-Policy ({@value #CSP}) and is not cached. Every request is first
 * decided by the {@link DashboardAccess}. A write also needs the operate right, the {@code compensations} endpoint's
 * write access, a same-origin request and the {@link WriteTokens#HEADER} token; it is carried out by the
 * {@code compensations} endpoint, which records it through {@code OperatorActions}.
 * <p>
 * Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
@Controller
@RequestMapping("${management.endpoints.web.base-path:/actuator}${safemap.dashboard.path:/safemap-dashboard}")
public class DashboardController {

	/** The Content-Security-Policy of every answer. */
	public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
			+ "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private static final String ASSETS = "META-INF/safemap-dashboard/";

	private static final Map<String, MediaType> ASSET_TYPES = Map.of("index.html", MediaType.TEXT_HTML,
			"dashboard.js", MediaType.valueOf("text/javascript"), "dashboard.css", MediaType.valueOf("text/css"),
			"favicon.svg", MediaType.valueOf("image/svg+xml"));

	private final DashboardAccess access;

	private final DashboardData data;

	private final DashboardStream stream;

	private final WriteTokens tokens;

	private final @Nullable CompensationsEndpoint compensations;

	private final boolean compensationsWritable;

	private final Function<Object, String> json;

	private final Map<String, byte[]> assets = new LinkedHashMap<>();

	/**
	 * Creates the controller.
	 * @param access decides who may view and operate
	 * @param data the snapshots' source
	 * @param stream the server-sent event stream
	 * @param tokens the write tokens
	 * @param compensations the {@code compensations} endpoint that carries out retries and discards, may be null
	 * @param compensationsWritable whether that endpoint's access is unrestricted
	 * @param json writes a body as JSON
	 */
	public DashboardController(DashboardAccess access, DashboardData data, DashboardStream stream, WriteTokens tokens,
			@Nullable CompensationsEndpoint compensations, boolean compensationsWritable,
			Function<Object, String> json) {
		this.access = Objects.requireNonNull(access, "access must not be null");
		this.data = Objects.requireNonNull(data, "data must not be null");
		this.stream = Objects.requireNonNull(stream, "stream must not be null");
		this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
		this.compensations = compensations;
		this.compensationsWritable = compensationsWritable;
		this.json = Objects.requireNonNull(json, "json must not be null");
		for (String name : ASSET_TYPES.keySet()) {
			try (InputStream in = new ClassPathResource(ASSETS + name, DashboardController.class.getClassLoader())
				.getInputStream()) {
				this.assets.put(name, in.readAllBytes());
			}
			catch (IOException ex) {
				throw new IllegalStateException("The SafeMap dashboard's " + name + " is missing from the jar", ex);
			}
		}
	}

	@GetMapping("")
	ResponseEntity<Void> redirect(HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		return ResponseEntity.status(HttpStatus.FOUND).header("Location", request.getRequestURI() + "/").build();
	}

	@GetMapping({ "/", "/{asset:index\\.html|dashboard\\.js|dashboard\\.css|favicon\\.svg}" })
	ResponseEntity<byte[]> asset(@PathVariable(name = "asset", required = false) @Nullable String asset,
			HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		DashboardViewer viewer = this.access.viewer(request);
		if (!viewer.view()) {
			return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_PLAIN)
				.body(Objects.requireNonNull(viewer.refusal()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		String name = (asset != null) ? asset : "index.html";
		return ResponseEntity.ok().contentType(ASSET_TYPES.get(name)).body(this.assets.get(name));
	}

	@GetMapping(path = "/api/session", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<String> session(HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		DashboardViewer viewer = this.access.viewer(request);
		if (!viewer.view()) {
			return refused(HttpStatus.FORBIDDEN, "forbidden", Objects.requireNonNull(viewer.refusal()));
		}
		Map<String, @Nullable Object> session = new LinkedHashMap<>();
		session.put("instance", this.data.instance());
		session.put("user", viewer.name());
		boolean operate = operate(viewer);
		session.put("operate", operate);
		session.put("token", operate ? this.tokens.token(viewer.name()) : null);
		session.put("tokenHeader", WriteTokens.HEADER);
		session.put("csrfHeader", viewer.csrfHeader());
		session.put("csrfToken", viewer.csrfToken());
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.json.apply(session));
	}

	@GetMapping(path = "/api/snapshot", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<String> snapshot(HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		DashboardViewer viewer = this.access.viewer(request);
		if (!viewer.view()) {
			return refused(HttpStatus.FORBIDDEN, "forbidden", Objects.requireNonNull(viewer.refusal()));
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.json.apply(this.data.snapshot(viewer.securityContext(), operate(viewer))));
	}

	@GetMapping(path = "/api/stream")
	@ResponseBody
	Object stream(HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		DashboardViewer viewer = this.access.viewer(request);
		if (!viewer.view()) {
			return refused(HttpStatus.FORBIDDEN, "forbidden", Objects.requireNonNull(viewer.refusal()));
		}
		DashboardViewer streamed = new DashboardViewer(true, operate(viewer), null, viewer.name(),
				viewer.securityContext(), null, null);
		SseEmitter emitter = this.stream.open(streamed);
		if (emitter == null) {
			return refused(HttpStatus.SERVICE_UNAVAILABLE, "too many pages",
					DashboardStream.MAX_PAGES + " pages are streamed already: this page polls instead");
		}
		response.setHeader("X-Accel-Buffering", "no");
		return emitter;
	}

	@PostMapping(path = "/api/compensations/{id}/retry", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<String> retry(@PathVariable String id, HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		return write(request, (viewer, endpoint) -> endpoint.retry(viewer.securityContext(), id, "retry"));
	}

	@PostMapping(path = "/api/compensations/{id}/discard", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<String> discard(@PathVariable String id, @RequestBody(required = false) @Nullable Map<String, Object> body,
			HttpServletRequest request, HttpServletResponse response) {
		secure(response);
		Object reason = (body != null) ? body.get("reason") : null;
		return write(request, (viewer, endpoint) -> endpoint.discard(viewer.securityContext(), id,
				(reason instanceof String text) ? text : null));
	}

	private ResponseEntity<String> write(HttpServletRequest request, Action action) {
		DashboardViewer viewer = this.access.viewer(request);
		if (!viewer.view()) {
			return refused(HttpStatus.FORBIDDEN, "forbidden", Objects.requireNonNull(viewer.refusal()));
		}
		if (!viewer.operate()) {
			return refused(HttpStatus.FORBIDDEN, "forbidden", "User '" + viewer.name()
					+ "' may view the SafeMap dashboard but not operate it: that needs the operate authority "
					+ "(safemap.dashboard.operate-authority); without Spring Security the dashboard is read-only");
		}
		CompensationsEndpoint endpoint = this.compensations;
		if (endpoint == null || !this.compensationsWritable) {
			return refused(HttpStatus.FORBIDDEN, "read-only", "The compensations endpoint is read-only: set "
					+ "management.endpoint.compensations.access=unrestricted to retry and discard");
		}
		String crossSite = crossSite(request);
		if (crossSite != null) {
			return refused(HttpStatus.FORBIDDEN, "cross-site", crossSite);
		}
		if (!this.tokens.matches(viewer.name(), request.getHeader(WriteTokens.HEADER))) {
			return refused(HttpStatus.FORBIDDEN, "token", "Missing or stale " + WriteTokens.HEADER
					+ " header: reload the page (tokens are issued by api/session and change when the application "
					+ "restarts)");
		}
		try {
			ActionDescriptor result = action.apply(viewer, endpoint);
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.json.apply(result));
		}
		catch (InvalidEndpointRequestException ex) {
			return refused(HttpStatus.BAD_REQUEST, ex.getReason(), String.valueOf(ex.getMessage()));
		}
	}

	private boolean operate(DashboardViewer viewer) {
		return viewer.operate() && this.compensations != null && this.compensationsWritable;
	}

	/** A write must come from a page of this origin: browsers say where it came from. */
	private static @Nullable String crossSite(HttpServletRequest request) {
		String site = request.getHeader("Sec-Fetch-Site");
		if (site != null && !site.equals("same-origin")) {
			return "Refused a " + site + " request: dashboard actions are accepted from the dashboard page only";
		}
		String origin = request.getHeader("Origin");
		if (origin != null) {
			String expected = request.getScheme() + "://" + request.getServerName()
					+ (isDefaultPort(request) ? "" : ":" + request.getServerPort());
			if (!origin.toLowerCase(Locale.ROOT).equals(expected.toLowerCase(Locale.ROOT))) {
				return "Refused a request from origin " + origin
						+ ": dashboard actions are accepted from the dashboard page only";
			}
		}
		return null;
	}

	private static boolean isDefaultPort(HttpServletRequest request) {
		int port = request.getServerPort();
		return ("http".equals(request.getScheme()) && port == 80) || ("https".equals(request.getScheme()) && port == 443);
	}

	private ResponseEntity<String> refused(HttpStatus status, String error, String message) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.json.apply(Map.of("error", error, "message", message)));
	}

	private static void secure(HttpServletResponse response) {
		response.setHeader("Content-Security-Policy", CSP);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
	}

	@FunctionalInterface
	private interface Action {

		ActionDescriptor apply(DashboardViewer viewer, CompensationsEndpoint endpoint);

	}

}
