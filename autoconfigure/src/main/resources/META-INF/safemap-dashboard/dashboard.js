// SafeMap dashboard: plain ES module, no dependencies. Data comes from api/snapshot (polling) and api/stream
// (server-sent events); every value from the server is written with textContent, never parsed as HTML.
const base = location.pathname.endsWith('/') ? location.pathname : location.pathname + '/';
const HISTORY_MILLIS = 15 * 60 * 1000;
const SAMPLE_MILLIS = 5000;
const POLL_MILLIS = 2000;
const STALE_STREAM_MILLIS = 45000;

const state = { session: null, snapshot: null, previous: null, history: [], lastMessage: 0,
  source: null, pollTimer: null, mode: 'connecting', pendingDiscard: null };

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const $ = (selector) => document.querySelector(selector);

function millis(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return ms + ' ms';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
}

// waits come in milliseconds with a fraction (the endpoints' unit convention)
function waitMillis(ms) {
  if (!ms) return '0';
  if (ms < 1) return (ms * 1000).toFixed(1) + ' µs';
  if (ms < 1000) return ms.toFixed(1) + ' ms';
  return (ms / 1000).toFixed(2) + ' s';
}

function percent(share) {
  return (share * 100).toFixed(share < 0.1 ? 2 : 1) + '%';
}

function since(time) {
  if (!time) return '';
  return 'for ' + millis(Math.max(0, Date.now() - Date.parse(time)));
}

function rate(current, previous, dt, pick) {
  if (!previous || dt <= 0) return null;
  const d = pick(current) - pick(previous);
  return d < 0 ? null : d / dt;
}

function setConnection(mode, text) {
  state.mode = mode;
  const el = $('#connection');
  el.dataset.state = mode;
  el.textContent = text || mode;
}

function message(text, error) {
  const el = $('#message');
  el.hidden = !text;
  el.textContent = text || '';
  el.classList.toggle('error', !!error);
}

async function fetchJson(path, options) {
  const response = await fetch(base + path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return body;
}

async function loadSession() {
  state.session = await fetchJson('api/session');
  $('#user').textContent = state.session.user + (state.session.operate ? ' (operator)' : ' (viewer)');
}

// ---------- rendering ----------

function render(snapshot) {
  state.lastMessage = Date.now();
  state.previous = state.snapshot;
  state.snapshot = snapshot;
  if (state.session && snapshot.instance !== state.session.instance) {
    // the application restarted (or another instance answers): its tokens changed
    loadSession().catch(() => {});
  }
  $('#instance').textContent = 'instance ' + snapshot.instance;
  const fleet = $('#fleet');
  if (snapshot.fleetDashboardUrl) { fleet.href = snapshot.fleetDashboardUrl; fleet.hidden = false; }
  renderProblems(snapshot.problems);
  renderMaps(snapshot.maps);
  renderBreakers(snapshot.breakers);
  // an open discard form keeps what the operator is typing: the panel is redrawn once it is closed
  if (state.pendingDiscard === null) renderCompensations(snapshot.compensations, snapshot.operate);
  renderContext(snapshot.context);
  sample();
  if (!state.rendered) {
    state.rendered = true;
    // first render with data, for the measurements in docs/dashboard.md
    performance.mark('safemap:first-render');
  }
}

const drawn = {};

function panel(id, data, build) {
  // a panel whose data did not change is not redrawn (the maps panel also shows rates between snapshots)
  const key = JSON.stringify(data);
  if (id !== 'maps' && drawn[id] === key) return;
  drawn[id] = key;
  const section = $('#panel-' + id);
  section.querySelector('.scope').textContent = 'Instance: ' + data.instance;
  const body = section.querySelector('.body');
  const content = data.available ? build() : h('p', { class: 'note' }, data.note);
  body.replaceChildren(content);
}

function renderProblems(problems) {
  // redrawn when they change, and every 10 s for their "for how long"
  const key = JSON.stringify(problems) + Math.floor(Date.now() / 10000);
  if (drawn.problems === key) return;
  drawn.problems = key;
  const items = problems.length === 0 ? [h('li', { class: 'ok' }, 'No problems reported.')]
    : problems.map((p) => h('li', { 'data-kind': p.kind },
      h('a', { href: '#panel-' + p.panel }, p.text + (p.since ? ' (' + since(p.since) + ')' : ''))));
  $('#problems').replaceChildren(...items);
}

function renderMaps(panelData) {
  panel('maps', panelData, () => {
    if (panelData.maps.length === 0) return h('p', { class: 'note' }, 'No guarded map.');
    const prev = state.previous && state.previous.maps && state.previous.maps.maps;
    const dt = state.previous ? (Date.parse(state.snapshot.time) - Date.parse(state.previous.time)) / 1000 : 0;
    const rows = panelData.maps.map((map) => {
      const before = prev && prev.find((m) => m.name === map.name);
      const ops = rate(map, before, dt, (m) => m.operations);
      const keys = map.hotKeys.byContention.slice(0, 3).map((k) => h('li', {}, k.key + ' ' + percent(k.share)));
      const sites = map.callSites.top.slice(0, 3).map((s) => h('li', {}, s.site + ' ' + percent(s.share)));
      const races = map.races.recent.slice(0, 3).map((r) => h('li', {}, r.kind + ' on ' + r.key + ': ' + r.site
        + ' (' + r.thread + ') vs ' + r.otherSite + ' (' + r.otherThread + ')'));
      return h('tr', { 'data-map': map.name },
        h('td', {}, h('b', {}, map.name), h('div', { class: 'small' }, map.mode + (map.size !== undefined && map.size !== null ? ', ' + map.size + ' entries' : ''))),
        h('td', { class: 'num' }, ops === null ? '–' : ops.toFixed(1)),
        h('td', { class: 'num' }, percent(map.contentionRate)),
        h('td', { class: 'num' }, waitMillis(map.waitTime.p50Millis) + ' / ' + waitMillis(map.waitTime.p99Millis)),
        h('td', {}, keys.length ? h('ul', { class: 'plain' }, keys) : '–'),
        h('td', {}, sites.length ? h('ul', { class: 'plain' }, sites) : '–'),
        h('td', { class: 'races' }, String(map.races.total), races.length ? h('ul', { class: 'plain' }, races) : null));
    });
    return h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'map'), h('th', { class: 'num' }, 'ops/s'),
      h('th', { class: 'num' }, 'contended'), h('th', { class: 'num' }, 'wait p50 / p99'), h('th', {}, 'hot keys'),
      h('th', {}, 'call sites'), h('th', {}, 'races'))), h('tbody', {}, rows));
  });
}

function breakerCell(breaker) {
  return h('span', {}, h('span', { class: 'state state-' + breaker.state }, breaker.state),
    ' ', h('span', { class: 'small' }, since(breaker.since)
      + (breaker.failureRate >= 0 ? ', failure rate ' + breaker.failureRate.toFixed(0) + '%' : '')));
}

function transitions(breaker) {
  if (!breaker.transitions.length) return null;
  return h('ul', { class: 'plain small' }, breaker.transitions.slice(0, 4).map((t) =>
    h('li', {}, t.from + ' → ' + t.to + ' at ' + new Date(t.time).toLocaleTimeString())));
}

function renderBreakers(panelData) {
  panel('breakers', panelData, () => {
    const rows = panelData.caches.map((c) => h('tr', { 'data-cache': c.name },
      h('td', {}, h('b', {}, c.name), c.servingStale ? h('div', { class: 'small' }, 'serving stale values') : null),
      h('td', {}, breakerCell(c.breaker), transitions(c.breaker)),
      h('td', { class: 'num' }, String(c.downstreamCalls)),
      h('td', { class: 'num' }, String(c.hits)),
      h('td', { class: 'num fallbacks' }, String(c.fallbacks)),
      h('td', {}, h('meter', { min: 0, max: 1, low: 0.5, high: 0.8, optimum: 0, value: c.stalenessBudgetUsed,
        title: percent(c.stalenessBudgetUsed) + ' of the staleness budget' }),
      h('div', { class: 'small' }, 'oldest served ' + millis(c.oldestServedLastMinuteMillis) + ' of ' + millis(c.maxStalenessMillis)
        + (c.lastFallbackAgeMillis !== undefined ? ', last ' + millis(c.lastFallbackAgeMillis) : '')))));
    const table = h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'cache'), h('th', {}, 'breaker'),
      h('th', { class: 'num' }, 'fresh'), h('th', { class: 'num' }, 'hits'), h('th', { class: 'num' }, 'fallbacks'),
      h('th', {}, 'staleness (last minute)'))), h('tbody', {}, rows));
    const others = panelData.otherBreakers.length ? h('div', {}, h('h3', { class: 'small' }, 'Other circuit breakers'),
      h('ul', { class: 'plain' }, panelData.otherBreakers.map((b) => h('li', { 'data-breaker': b.name }, b.name + ' ', breakerCell(b))))) : null;
    return h('div', {}, panelData.caches.length ? table : h('p', { class: 'note' }, 'No fallback cache has been used yet.'),
      h('p', { class: 'small' }, 'Values stored in ' + panelData.storage), others);
  });
}

function renderCompensations(panelData, operate) {
  panel('compensations', panelData, () => {
    const c = panelData.counts;
    const counts = h('div', { class: 'counts' },
      ['pending', 'in_progress', 'dead', 'done'].map((k) => h('div', { 'data-count': k }, h('b', {}, String(c[k] || 0)), k.replace('_', ' '))),
      h('div', {}, h('b', {}, millis(panelData.oldestPendingAgeMillis)), 'oldest pending'));
    const pending = panelData.pending.length ? h('table', { class: 'pending' },
      h('thead', {}, h('tr', {}, h('th', {}, 'target'), h('th', {}, 'key'), h('th', { class: 'num' }, 'attempts'), h('th', {}, 'next attempt'))),
      h('tbody', {}, panelData.pending.map((e) => h('tr', { 'data-id': e.id }, h('td', {}, e.target), h('td', {}, e.key),
        h('td', { class: 'num' }, String(e.attempts)), h('td', {}, e.nextAttemptAt ? new Date(e.nextAttemptAt).toLocaleTimeString() : '–'))))) : null;
    const dead = panelData.dead.length ? h('table', { class: 'dead' },
      h('thead', {}, h('tr', {}, h('th', {}, 'dead letter'), h('th', {}, 'key'), h('th', { class: 'num' }, 'attempts'), h('th', {}, 'reason'), operate ? h('th', {}, '') : null)),
      h('tbody', {}, panelData.dead.map((e) => h('tr', { 'data-id': e.id },
        h('td', {}, e.target, h('div', { class: 'small' }, e.id)), h('td', {}, e.key),
        h('td', { class: 'num' }, String(e.attempts)), h('td', { class: 'reason' }, e.lastError || ''),
        operate ? h('td', {}, actions(e)) : null)))) : h('p', { class: 'note' }, 'No dead letter.');
    return h('div', {}, counts, pending, h('h3', { class: 'small' }, 'Dead letters'), dead);
  });
}

function actions(entry) {
  const retry = h('button', { type: 'button', class: 'retry', onclick: () => act(entry.id, 'retry', null) }, 'Retry');
  const discard = h('button', { type: 'button', class: 'discard', onclick: () => { state.pendingDiscard = entry.id; drawn.compensations = null; renderCompensations(state.snapshot.compensations, state.snapshot.operate); } }, 'Discard…');
  const cell = h('div', {}, retry, ' ', discard);
  if (state.pendingDiscard === entry.id) {
    const input = h('input', { type: 'text', name: 'reason', required: true, maxlength: 500, placeholder: 'why is it dropped?', 'aria-label': 'reason' });
    const form = h('form', { class: 'reason', onsubmit: (event) => { event.preventDefault(); act(entry.id, 'discard', input.value); } },
      input, h('button', { type: 'submit' }, 'Discard'),
      h('button', { type: 'button', onclick: () => { state.pendingDiscard = null; drawn.compensations = null; renderCompensations(state.snapshot.compensations, state.snapshot.operate); } }, 'Cancel'));
    cell.append(form);
  }
  return cell;
}

async function act(id, action, reason) {
  const session = state.session;
  const headers = { 'Content-Type': 'application/json' };
  headers[session.tokenHeader] = session.token;
  if (session.csrfHeader) headers[session.csrfHeader] = session.csrfToken;
  try {
    const result = await fetchJson('api/compensations/' + encodeURIComponent(id) + '/' + action,
      { method: 'POST', headers, body: JSON.stringify(reason === null ? {} : { reason }) });
    state.pendingDiscard = null;
    message(action + ' ' + id + ': ' + result.message, result.affected === 0);
    refreshNow();
  }
  catch (error) {
    message(action + ' ' + id + ' refused: ' + error.message, true);
    if (error.status === 403) loadSession().catch(() => {});
  }
}

function renderContext(panelData) {
  panel('context', panelData, () => h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'violation'), h('th', { class: 'num' }, 'count'))),
    h('tbody', {}, Object.entries(panelData.violations).map(([kind, count]) =>
      h('tr', { 'data-violation': kind }, h('td', {}, kind.replaceAll('_', ' ')), h('td', { class: 'num' }, String(count)))))));
}

// ---------- 15-minute history (kept in the page) ----------

function totals(snapshot) {
  const sum = (list, pick) => list.reduce((a, x) => a + pick(x), 0);
  const c = snapshot.compensations.counts || {};
  return { time: Date.parse(snapshot.time), contended: sum(snapshot.maps.maps, (m) => m.contended),
    fallbacks: sum(snapshot.breakers.caches, (x) => x.fallbacks), depth: (c.pending || 0) + (c.in_progress || 0) };
}

let lastTotals = null;

function sample() {
  const now = Date.now();
  const last = state.history[state.history.length - 1];
  if (!state.snapshot || (last && now - last.at < SAMPLE_MILLIS)) return;
  const t = totals(state.snapshot);
  const dt = lastTotals ? (now - lastTotals.at) / 1000 : 0;
  const point = { at: now, depth: t.depth,
    contention: lastTotals && dt > 0 ? Math.max(0, t.contended - lastTotals.contended) / dt : 0,
    fallbacks: lastTotals && dt > 0 ? Math.max(0, t.fallbacks - lastTotals.fallbacks) / dt : 0 };
  lastTotals = Object.assign({ at: now }, t);
  state.history.push(point);
  while (state.history.length && now - state.history[0].at > HISTORY_MILLIS) state.history.shift();
  drawCharts(now);
}

function drawCharts(now) {
  for (const [name, pick, fmt] of [['contention', (p) => p.contention, (v) => v.toFixed(1)],
    ['fallbacks', (p) => p.fallbacks, (v) => v.toFixed(1)], ['depth', (p) => p.depth, (v) => String(v)]]) {
    const svg = $('#chart-' + name);
    const max = Math.max(1, ...state.history.map(pick));
    const points = state.history.map((p) => ((300 * (1 - (now - p.at) / HISTORY_MILLIS)).toFixed(1)) + ','
      + (58 - 56 * pick(p) / max).toFixed(1)).join(' ');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points);
    svg.replaceChildren(line);
    const last = state.history[state.history.length - 1];
    $('#last-' + name).textContent = last ? fmt(pick(last)) : '';
  }
}

// ---------- transport: server-sent events, polling as a fallback ----------

async function refreshNow() {
  try {
    render(await fetchJson('api/snapshot'));
    return true;
  }
  catch (error) {
    if (error.status === 403) message(error.message, true);
    return false;
  }
}

function startPolling() {
  if (state.pollTimer) return;
  setConnection('polling', 'polling');
  state.pollTimer = setInterval(async () => {
    const ok = await refreshNow();
    setConnection(ok ? 'polling' : 'offline', ok ? 'polling' : 'offline, retrying');
  }, POLL_MILLIS);
}

function stopPolling() {
  if (state.pollTimer) { clearInterval(state.pollTimer); state.pollTimer = null; }
}

function connect() {
  if (state.source) state.source.close();
  const source = new EventSource(base + 'api/stream');
  state.source = source;
  source.addEventListener('open', () => {
    stopPolling();
    setConnection('live', 'live');
    state.lastMessage = Date.now();
    if (!state.session) loadSession().catch(() => {});
  });
  source.addEventListener('snapshot', (event) => render(JSON.parse(event.data)));
  source.addEventListener('heartbeat', () => { state.lastMessage = Date.now(); });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      // refused (not a stream) or given up: poll, and try the stream again later
      startPolling();
      setTimeout(connect, 10000);
    }
    else {
      setConnection('connecting', 'reconnecting');
      startPolling();
    }
  });
}

setInterval(() => {
  if (state.mode === 'live' && Date.now() - state.lastMessage > STALE_STREAM_MILLIS) connect();
  sample();
  if (state.history.length) drawCharts(Date.now());
}, SAMPLE_MILLIS);

(async () => {
  // the session and the first snapshot in parallel: one round trip to the first render
  const session = loadSession().catch((error) => message(error.message, true));
  await Promise.all([session, refreshNow()]);
  connect();
})();
