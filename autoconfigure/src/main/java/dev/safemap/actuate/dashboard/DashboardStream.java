package dev.safemap.actuate.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes dashboard snapshots to open pages as server-sent events: every {@code refresh} interval each page is sent
 * a {@code snapshot} event when its data changed since the last one it was sent, otherwise a {@code heartbeat}
 * event every {@code heartbeat} interval. Viewers shown the same data share one snapshot per tick. One daemon
 * thread does the work; it is started by the first page that opens a stream and ends a minute after the last one
 * closed, so an application whose dashboard nobody watches runs no thread for it. At most {@value #MAX_PAGES}
 * pages are served at once.
 * <p>
 * Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class DashboardStream implements AutoCloseable {

	/** Most pages streamed at once; more are answered 503 and fall back to polling. */
	public static final int MAX_PAGES = 32;

	/** How long the browser waits before reconnecting, in milliseconds (the SSE {@code retry} field). */
	public static final long RECONNECT_MILLIS = 2000;

	private static final Logger logger = LoggerFactory.getLogger(DashboardStream.class);

	private final DashboardData data;

	private final Function<DashboardSnapshot, String> json;

	private final long refreshMillis;

	private final long heartbeatMillis;

	private final List<Page> pages = new CopyOnWriteArrayList<>();

	private final Object lock = new Object();

	private @Nullable ScheduledThreadPoolExecutor executor;

	private @Nullable ScheduledFuture<?> ticking;

	private boolean closed;

	private volatile boolean warned;

	/**
	 * Creates the stream.
	 * @param data the snapshots' source
	 * @param json writes a snapshot as JSON
	 * @param refresh the interval between snapshots, at least 1 s
	 * @param heartbeat the interval between heartbeats while nothing changes
	 * @throws IllegalArgumentException if refresh is under 1 s or heartbeat is not positive
	 */
	public DashboardStream(DashboardData data, Function<DashboardSnapshot, String> json, Duration refresh,
			Duration heartbeat) {
		this.data = Objects.requireNonNull(data, "data must not be null");
		this.json = Objects.requireNonNull(json, "json must not be null");
		if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("refresh must be at least 1s, but was " + refresh);
		}
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("heartbeat must be positive, but was " + heartbeat);
		}
		this.refreshMillis = refresh.toMillis();
		this.heartbeatMillis = heartbeat.toMillis();
	}

	/**
	 * Opens a stream for a viewer, sending the first snapshot at once.
	 * @param viewer the viewer (allowed to view)
	 * @return the emitter, or null when {@value #MAX_PAGES} pages are already streamed
	 */
	public @Nullable SseEmitter open(DashboardViewer viewer) {
		SseEmitter emitter = new SseEmitter(Duration.ofMinutes(30).toMillis());
		Page page = new Page(viewer, emitter);
		synchronized (this.lock) {
			if (this.closed || this.pages.size() >= MAX_PAGES) {
				return null;
			}
			this.pages.add(page);
			startTicking();
		}
		emitter.onCompletion(() -> remove(page));
		emitter.onTimeout(() -> remove(page));
		emitter.onError((ex) -> remove(page));
		try {
			emitter.send(SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("SafeMap dashboard stream"));
		}
		catch (IOException ex) {
			remove(page);
		}
		return emitter;
	}

	/**
	 * Returns how many pages are streamed now.
	 * @return the number of pages
	 */
	public int pages() {
		return this.pages.size();
	}

	/**
	 * Whether the pushing thread runs now.
	 * @return true while a thread exists
	 */
	public boolean threadRunning() {
		synchronized (this.lock) {
			return this.executor != null && this.executor.getPoolSize() > 0;
		}
	}

	private void startTicking() {
		if (this.executor == null) {
			ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "safemap-dashboard");
				thread.setDaemon(true);
				return thread;
			});
			created.setKeepAliveTime(1, TimeUnit.MINUTES);
			created.allowCoreThreadTimeOut(true);
			created.setRemoveOnCancelPolicy(true);
			this.executor = created;
		}
		if (this.ticking == null) {
			this.ticking = this.executor.scheduleWithFixedDelay(this::tick, 0, this.refreshMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	private void remove(Page page) {
		synchronized (this.lock) {
			this.pages.remove(page);
			if (this.pages.isEmpty() && this.ticking != null) {
				this.ticking.cancel(false);
				this.ticking = null;
			}
		}
	}

	/** Sends each page its snapshot when it changed, or a heartbeat when one is due. */
	void tick() {
		try {
			long now = System.currentTimeMillis();
			Map<String, String[]> byViewer = new HashMap<>();
			for (Page page : this.pages) {
				String[] current = byViewer.computeIfAbsent(page.viewer.dataKey(), (key) -> render(page.viewer));
				try {
					if (current == null) {
						continue;
					}
					if (!current[0].equals(page.lastSent)) {
						page.emitter.send(SseEmitter.event().name("snapshot").data(current[1], MediaType.APPLICATION_JSON));
						page.lastSent = current[0];
						page.lastMessageAt = now;
					}
					else if (now - page.lastMessageAt >= this.heartbeatMillis) {
						page.emitter.send(SseEmitter.event().name("heartbeat").data(Instant.ofEpochMilli(now).toString()));
						page.lastMessageAt = now;
					}
				}
				catch (IOException | IllegalStateException ex) {
					// the page went away
					remove(page);
					page.emitter.completeWithError(ex);
				}
			}
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	/** Logged at WARN once (then at DEBUG), not once a second while the failure lasts. */
	private void failed(RuntimeException ex) {
		if (!this.warned) {
			this.warned = true;
			logger.warn("SafeMap dashboard: a snapshot could not be taken or pushed (further failures at DEBUG)", ex);
		}
		else {
			logger.debug("SafeMap dashboard: a snapshot could not be taken or pushed", ex);
		}
	}

	/** The data (without its time) to compare, and the JSON to send. */
	private String @Nullable [] render(DashboardViewer viewer) {
		try {
			DashboardSnapshot snapshot = this.data.snapshot(viewer.securityContext(), viewer.operate());
			// written once: the data without its time is compared, the time is put in when sending
			DashboardSnapshot timeless = new DashboardSnapshot(snapshot.instance(), Instant.EPOCH, snapshot.operate(),
					snapshot.fleetDashboardUrl(), snapshot.problems(), snapshot.maps(), snapshot.breakers(),
					snapshot.compensations(), snapshot.context());
			String data = this.json.apply(timeless);
			String epoch = "\"time\":\"" + Instant.EPOCH + "\"";
			int at = data.indexOf(epoch);
			String sent = (at >= 0) ? data.substring(0, at) + "\"time\":\"" + snapshot.time() + "\""
					+ data.substring(at + epoch.length()) : this.json.apply(snapshot);
			return new String[] { data, sent };
		}
		catch (RuntimeException ex) {
			failed(ex);
			return null;
		}
	}

	/**
	 * Ends every stream and stops the thread.
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			for (Page page : this.pages) {
				page.emitter.complete();
			}
			this.pages.clear();
			if (this.executor != null) {
				this.executor.shutdownNow();
			}
		}
	}

	private static final class Page {

		final DashboardViewer viewer;

		final SseEmitter emitter;

		volatile @Nullable String lastSent;

		volatile long lastMessageAt;

		Page(DashboardViewer viewer, SseEmitter emitter) {
			this.viewer = viewer;
			this.emitter = emitter;
		}

	}

}
