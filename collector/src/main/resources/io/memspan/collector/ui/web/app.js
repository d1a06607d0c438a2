// memspan's page. Plain JavaScript, no dependencies, served from the collector's jar.
// Every string that comes from data (thread names, class names, attribute values) reaches the
// page through textContent or setAttribute on a fixed, harmless attribute: never as markup.
'use strict';

(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const A = {
    type: 'memspan.structure.type',
    fn: 'code.function.name',
    file: 'code.file.path',
    line: 'code.line.number',
    thread: 'thread.name',
    tid: 'memspan.tid',
    faults: 'memspan.page_faults',
    kfaults: 'memspan.page_faults.kernel',
    copied: 'memspan.bytes.copied',
    allocated: 'memspan.bytes.allocated',
    capBefore: 'memspan.capacity.before',
    capAfter: 'memspan.capacity.after',
    size: 'memspan.size',
    mmapBytes: 'memspan.mmap.bytes',
    mmapCount: 'memspan.mmap.count',
    source: 'memspan.kernel.source',
  };

  const state = {
    sites: [],
    sort: { key: 'faults', dir: -1 },
    selected: null, // {traceId, spanId}
    selectedSite: null,
    zoom: null, // {from, to} in unix nanos (BigInt), chosen by dragging across the timeline
    threads: [],
    loading: false,
  };

  // ---------- DOM helpers (text only) ----------

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === 'class') e.className = v;
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else e.setAttribute(k, String(v));
      }
    }
    for (const c of children) append(e, c);
    return e;
  }

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG_NS, tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    for (const c of children) append(e, c);
    return e;
  }

  function append(parent, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach((x) => append(parent, x)); return; }
    parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  }

  const $ = (id) => document.getElementById(id);

  // ---------- formatting ----------

  const nf = new Intl.NumberFormat('en-US');
  function num(n) { return nf.format(Math.round(n || 0)); }

  function bytes(n) {
    n = n || 0;
    if (n < 1024) return `${num(n)} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
  }

  function compact(n) {
    n = n || 0;
    if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
    return num(n);
  }

  function duration(ns) {
    if (ns < 1e3) return `${num(ns)} ns`;
    if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
    if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
    return `${(ns / 1e9).toFixed(2)} s`;
  }

  // Epoch nanoseconds arrive as decimal strings (as in OTLP/JSON): ~1.8e18 is past 2^53, so as a
  // Number they would be rounded to 256 ns. They stay BigInt; only differences become Numbers.
  const nanos = (unixNano) => BigInt(unixNano);
  const nanosBetween = (from, to) => Number(nanos(to) - nanos(from));

  function clock(unixNano) {
    const d = new Date(Number(nanos(unixNano) / 1000000n));
    const p = (x, w = 2) => String(x).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }

  function faultColour(f) {
    if (!f) return '#9fb7cc';
    // 1 fault: amber; 1000+ faults: deep red, on a log scale
    const t = Math.min(1, Math.log10(f + 1) / 3);
    const from = [240, 180, 41];
    const to = [178, 24, 43];
    const c = from.map((v, i) => Math.round(v + (to[i] - v) * t));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  // 'java.util.concurrent.ConcurrentHashMap' -> ['ConcurrentHashMap', 'java.util.concurrent']
  function splitQualified(name) {
    const i = name.lastIndexOf('.');
    return i <= 0 ? [name, ''] : [name.slice(i + 1), name.slice(0, i)];
  }

  function siteLabel(site) {
    if (!site.function) return { fn: '(unknown function)', pkg: '', where: site.file || '' };
    // 'io.acme.Index.post' -> 'Index.post' in 'io.acme'
    const [method, owner] = splitQualified(site.function);
    const [cls, pkg] = splitQualified(owner);
    const fn = cls ? `${cls}.${method}` : method;
    const where = site.file ? `${site.file}${site.line ? `:${site.line}` : ''}` : '';
    return { fn, pkg, where };
  }

  // ---------- data ----------

  function filterParams() {
    const p = new URLSearchParams();
    const svc = $('service').value;
    if (svc) p.set('service', svc);
    const range = Number($('range').value);
    if (state.zoom) {
      p.set('from', String(state.zoom.from / 1000000n));
      p.set('to', String((state.zoom.to + 999999n) / 1000000n));
    } else if (range > 0) {
      p.set('from', String(Date.now() - range));
      p.set('to', String(Date.now()));
    }
    return p;
  }

  function withLimit(params, limit) {
    const p = new URLSearchParams(params);
    p.set('limit', String(limit));
    return p;
  }

  async function api(path, params) {
    const q = params && [...params.keys()].length ? `?${params}` : '';
    const r = await fetch(`/api/${path}${q}`, { headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || `${path}: HTTP ${r.status}`);
    return body;
  }

  function showStatus(text, isError) {
    const s = $('status');
    s.hidden = !text;
    s.className = isError ? 'status error' : 'status';
    s.textContent = text || '';
  }

  async function refresh() {
    if (state.loading) return;
    state.loading = true;
    try {
      const base = filterParams();
      const tsParams = new URLSearchParams(base);
      tsParams.set('buckets', '60');
      const [stats, services, ts, threads, sites] = await Promise.all([
        api('stats'), api('services'), api('timeseries', tsParams), api('threads', withLimit(base, 500)),
        api('callsites', base),
      ]);
      renderStats(stats);
      renderServices(services.services);
      // Redraw only what changed: a live page that is not getting data stays still under the pointer.
      const width = document.documentElement.clientWidth;
      if (changed('ts', [ts, width])) {
        renderChart($('chart-faults'), ts, 'faults', 'bar-faults', (v) => `${num(v)} faults`, compact);
        renderChart($('chart-bytes'), ts, 'bytesCopied', 'bar-bytes', (v) => `${bytes(v)} copied`, bytes);
      }
      state.threads = threads.threads;
      if (changed('threads', [threads, width])) renderTimeline();
      state.sites = sites.callSites;
      if (changed('sites', sites)) renderSites();
      if (stats.spans === 0) {
        showStatus('No spans yet. Point memspan\'s agent (or any OTLP exporter) at this collector: '
          + 'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318', false);
      } else if (state.threads.length === 0 && state.sites.length === 0) {
        showStatus('Spans are here, but none from memspan in this service and range.', false);
      } else {
        showStatus('', false);
      }
      document.body.dataset.loaded = 'true';
    } catch (e) {
      showStatus(`Could not load: ${e.message}`, true);
    } finally {
      state.loading = false;
    }
  }

  const lastSeen = {};
  function changed(what, data) {
    const text = JSON.stringify(data);
    if (lastSeen[what] === text) return false;
    lastSeen[what] = text;
    return true;
  }

  function renderStats(s) {
    const parts = [`${num(s.spans)} spans`, `${num(s.traces)} traces`];
    if (s.evicted) parts.push(`${num(s.evicted)} evicted (capacity ${num(s.capacity)})`);
    $('stats').textContent = parts.join(' · ');
  }

  function renderServices(list) {
    const sel = $('service');
    const current = sel.value;
    const have = new Set([...sel.options].map((o) => o.value));
    for (const s of list) if (!have.has(s)) sel.add(new Option(s, s));
    sel.value = current;
  }

  // ---------- charts ----------

  function renderChart(host, ts, field, cls, tip, yfmt) {
    clear(host);
    const W = Math.max(300, host.clientWidth);
    const H = host.clientHeight || 170;
    const m = { l: 56, r: 8, t: 8, b: 22 };
    const buckets = ts.buckets || [];
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
    host.appendChild(root);
    if (!buckets.length) {
      root.appendChild(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' }, 'no data'));
      return;
    }
    const max = Math.max(1, ...buckets.map((b) => b[field]));
    const iw = W - m.l - m.r;
    const ih = H - m.t - m.b;
    const bw = iw / buckets.length;
    for (const f of [0, 0.5, 1]) {
      const y = m.t + ih - f * ih;
      root.appendChild(svg('line', { x1: m.l, x2: W - m.r, y1: y, y2: y, class: 'gridline' }));
      root.appendChild(svg('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, yfmt(max * f)));
    }
    buckets.forEach((b, i) => {
      const v = b[field];
      if (!v) return;
      const h = Math.max(1, (v / max) * ih);
      root.appendChild(svg('rect', {
        x: m.l + i * bw + 0.5, y: m.t + ih - h, width: Math.max(1, bw - 1), height: h, class: cls,
      }, svg('title', null, `${clock(b.startUnixNano)}  ${tip(v)} in ${num(b.ops)} ops`)));
    });
    const last = nanos(buckets[buckets.length - 1].startUnixNano) + BigInt(ts.stepNanos);
    root.appendChild(svg('text', { x: m.l, y: H - 5, class: 'tick' }, clock(ts.fromUnixNano)));
    root.appendChild(svg('text', { x: W - m.r, y: H - 5, 'text-anchor': 'end', class: 'tick' }, clock(last)));
  }

  // ---------- timeline ----------

  function renderLegend() {
    const host = $('legend');
    clear(host);
    const item = (colour, label) => {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = colour; // CSSOM, which the page's CSP allows (a style attribute it would not)
      return el('span', null, sw, label);
    };
    host.append(
      item(faultColour(0), 'no faults'),
      item(faultColour(1), '1 fault'),
      item(faultColour(10), '10'),
      item(faultColour(100), '100'),
      item(faultColour(1000), '1000+ faults'),
    );
  }

  function renderTimeline() {
    const host = $('timeline');
    clear(host);
    // The threads that paid the most come first: a short-lived pool thread rarely matters most.
    const threads = [...state.threads].sort((a, b) => b.faults - a.faults || b.totalOps - a.totalOps
      || a.threadName.localeCompare(b.threadName) || a.tid - b.tid);
    if (!threads.length) {
      host.appendChild(el('p', { class: 'sub' }, 'No operations recorded in this range.'));
      return;
    }
    // Positions are nanoseconds since t0, the first start: exact as Numbers for 104 days.
    let t0 = null;
    let t1 = null;
    for (const th of threads) {
      for (const op of th.ops) {
        const start = nanos(op.startUnixNano);
        const end = start + BigInt(op.durationNanos);
        if (t0 === null || start < t0) t0 = start;
        if (t1 === null || end > t1) t1 = end;
      }
    }
    const span = Math.max(1, Number(t1 - t0));
    const W = Math.max(500, host.clientWidth - 2);
    const labelW = 230;
    const laneH = 34;
    const axisH = 22;
    const H = axisH + threads.length * laneH + 4;
    const iw = W - labelW - 12;
    const x = (sinceT0) => labelW + (sinceT0 / span) * iw;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H });

    const ticks = 6;
    for (let i = 0; i <= ticks; i++) {
      const t = (span * i) / ticks;
      const xx = x(t);
      root.appendChild(svg('line', { x1: xx, x2: xx, y1: axisH - 4, y2: H, class: 'gridline' }));
      const label = i === 0 ? clock(t0) : `+${duration(t)}`;
      root.appendChild(svg('text', {
        x: xx, y: 12, 'text-anchor': i === 0 ? 'start' : (i === ticks ? 'end' : 'middle'), class: 'tick',
      }, label));
    }

    threads.forEach((th, i) => {
      const y = axisH + i * laneH;
      const lane = svg('g', { class: 'lane', 'data-thread': th.threadName });
      lane.appendChild(svg('rect', { x: 0, y, width: W, height: laneH, class: i % 2 ? 'lane-bg odd' : 'lane-bg' }));
      const name = th.threadName || '(unnamed thread)';
      const shown = name.length > 30 ? `${name.slice(0, 29)}…` : name;
      lane.appendChild(svg('text', { x: 8, y: y + 15, class: 'lane-label' }, shown,
        shown === name ? null : svg('title', null, name)));
      const sub = [th.tid ? `tid ${th.tid}` : null, `${num(th.totalOps)} ops`, `${compact(th.faults)} faults`,
        bytes(th.bytesCopied)].filter(Boolean).join(' · ');
      lane.appendChild(svg('text', { x: 8, y: y + 28, class: 'lane-sub' }, sub));
      // faulting operations last, so they are drawn on top of quiet neighbours
      const ops = [...th.ops].sort((a, b) => a.faults - b.faults);
      for (const op of ops) {
        const r = svg('rect', {
          x: x(nanosBetween(t0, op.startUnixNano)),
          y: y + 5,
          width: Math.max(3, (op.durationNanos / span) * iw),
          height: laneH - 10,
          rx: 1.5,
          fill: faultColour(op.faults),
          class: 'op',
          'data-trace': op.traceId,
          'data-span': op.spanId,
          'data-faults': op.faults,
        }, svg('title', null, `${op.name} · ${clock(op.startUnixNano)} · ${duration(op.durationNanos)} · `
          + `${num(op.faults)} faults · ${bytes(op.bytesCopied)} copied`
          + (op.mmapBytes ? ` · ${bytes(op.mmapBytes)} mmapped` : '')));
        if (state.selected && state.selected.spanId === op.spanId && state.selected.traceId === op.traceId) {
          r.classList.add('selected');
        }
        r.addEventListener('click', () => showSpan(op.traceId, op.spanId));
        lane.appendChild(r);
      }
      root.appendChild(lane);
    });
    enableZoom(root, x, t0, span, labelW, iw, axisH, H);
    host.appendChild(root);
  }

  // Drag across the timeline to look at just that stretch of time (charts and table follow).
  function enableZoom(root, x, t0, span, labelW, iw, top, H) {
    let start = null;
    let band = null;
    const at = (ev) => {
      const box = root.getBoundingClientRect();
      const scale = Number(root.getAttribute('width')) / box.width;
      return Math.min(labelW + iw, Math.max(labelW, (ev.clientX - box.left) * scale));
    };
    root.addEventListener('mousedown', (ev) => {
      if (ev.button !== 0 || ev.target.classList.contains('op')) return;
      start = at(ev);
      band = svg('rect', { x: start, y: top, width: 0, height: H - top, class: 'zoom-band' });
      root.appendChild(band);
      ev.preventDefault();
    });
    root.addEventListener('mousemove', (ev) => {
      if (start === null) return;
      const now = at(ev);
      band.setAttribute('x', Math.min(start, now));
      band.setAttribute('width', Math.abs(now - start));
    });
    const finish = (ev) => {
      if (start === null) return;
      const end = at(ev);
      const a = Math.min(start, end);
      const b = Math.max(start, end);
      start = null;
      band.remove();
      if (b - a < 6) return;
      const toTime = (px) => t0 + BigInt(Math.round(((px - labelW) / iw) * span));
      zoomTo(toTime(a), toTime(b));
    };
    root.addEventListener('mouseup', finish);
    root.addEventListener('mouseleave', finish);
  }

  function zoomTo(from, to) {
    state.zoom = from === null ? null : { from, to };
    const z = $('zoom');
    z.hidden = !state.zoom;
    if (state.zoom) $('zoom-range').textContent = `${clock(from)} – ${clock(to)}`;
    refresh();
  }

  // ---------- call-site table ----------

  const sortKeys = {
    type: (s) => s.site.structureType,
    site: (s) => `${s.site.function} ${s.site.file}:${String(s.site.line).padStart(8, '0')}`,
    ops: (s) => s.ops,
    bytesCopied: (s) => s.bytesCopied,
    faults: (s) => s.faults,
    mmapBytes: (s) => s.mmapBytes,
    recommended: (s) => (s.advice ? s.advice.recommendedCapacity : -1),
    observed: (s) => (s.advice ? s.advice.mean : -1),
    saves: (s) => (s.advice ? s.advice.bytesCopiedSaved : -1),
  };

  function sortSites() {
    const key = sortKeys[state.sort.key];
    const dir = state.sort.dir;
    return [...state.sites].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return c * dir;
    });
  }

  function renderSites() {
    const table = $('sites');
    for (const th of table.tHead.rows[0].cells) {
      if (th.dataset.key === state.sort.key) th.setAttribute('aria-sort', state.sort.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    const body = table.tBodies[0];
    clear(body);
    const rows = sortSites();
    if (!rows.length) {
      body.appendChild(el('tr', null, el('td', { colspan: 9, class: 'sub' }, 'No call sites yet.')));
      return;
    }
    for (const s of rows) {
      const { fn, pkg, where } = siteLabel(s.site);
      const [typeName, typePkg] = splitQualified(s.site.structureType || '?');
      const a = s.advice;
      const tr = el('tr', { dataset: { type: s.site.structureType, fn: s.site.function, line: s.site.line } },
        el('td', { title: s.site.structureType }, el('div', { class: 'type' }, typeName),
          typePkg ? el('div', { class: 'file' }, typePkg) : null),
        el('td', { title: s.site.function }, el('div', { class: 'fn' }, fn),
          el('div', { class: 'file' }, [where, pkg].filter(Boolean).join(' · '))),
        el('td', { class: 'num' }, num(s.ops)),
        el('td', { class: 'num' }, bytes(s.bytesCopied)),
        el('td', { class: 'num' }, num(s.faults),
          s.kernelFaults ? el('div', { class: 'sub' }, `${num(s.kernelFaults)} by kernel`) : null),
        el('td', { class: 'num' }, s.mmapBytes ? bytes(s.mmapBytes) : el('span', { class: 'none' }, '—')),
        el('td', { class: 'num advice' }, a
          ? el('span', { class: 'advice-cap', title: `new ${s.site.structureType}(${a.recommendedCapacity})` },
            num(a.recommendedCapacity))
          : el('span', { class: 'none' }, 'no advice yet')),
        el('td', { class: 'num wrap' }, a
          ? [`${num(a.mean)} ± ${num(a.stddev)}`, el('div', { class: 'sub' }, `max ${num(a.max)} · ${num(a.samples)} samples`)]
          : el('span', { class: 'none' }, '—')),
        el('td', { class: 'num wrap' }, a
          ? [`${num(a.resizesSaved)} of ${num(a.resizesObserved)} resizes`,
            el('div', { class: 'sub' }, `${bytes(a.bytesCopiedSaved)} copied · ${num(a.faultsSaved)} faults`)]
          : el('span', { class: 'none' }, '—')));
      if (state.selectedSite && sameSite(state.selectedSite, s.site)) tr.classList.add('selected');
      tr.addEventListener('click', () => selectSite(s.site));
      body.appendChild(tr);
    }
  }

  function sameSite(a, b) {
    return a.structureType === b.structureType && a.function === b.function && a.file === b.file && a.line === b.line;
  }

  async function selectSite(site) {
    state.selectedSite = site;
    renderSites();
    const p = filterParams();
    p.append('attr', `${A.type}=${site.structureType}`);
    if (site.function) p.append('attr', `${A.fn}=${site.function}`);
    if (site.line) p.append('attr', `${A.line}=${site.line}`);
    p.set('limit', '50');
    try {
      const r = await api('spans', p);
      // the one that cost the most faults tells the site's story best
      const ops = r.spans.filter((s) => s.name !== 'memspan.advice');
      const pick = (ops.length ? ops : r.spans).sort((a, b) => b.faults - a.faults)[0];
      if (pick) showSpan(pick.traceId, pick.spanId);
    } catch (e) {
      showStatus(`Could not load the call site's spans: ${e.message}`, true);
    }
  }

  // ---------- span detail ----------

  async function showSpan(traceId, spanId) {
    state.selected = { traceId, spanId };
    document.querySelectorAll('rect.op.selected').forEach((r) => r.classList.remove('selected'));
    document.querySelectorAll('rect.op').forEach((r) => {
      if (r.dataset.span === spanId && r.dataset.trace === traceId) r.classList.add('selected');
    });
    const host = $('detail');
    try {
      const s = await api(`traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`);
      renderDetail(host, s);
    } catch (e) {
      clear(host);
      host.append(el('h2', null, 'Span detail'), el('p', { class: 'status error' }, e.message));
    }
  }

  function renderDetail(host, s) {
    clear(host);
    const at = s.attributes || {};
    const figure = (v, k) => el('div', { class: 'figure' }, el('div', { class: 'v' }, v), el('div', { class: 'k' }, k));
    const cap = at[A.capBefore] !== undefined && at[A.capAfter] !== undefined
      ? `${num(at[A.capBefore])} → ${num(at[A.capAfter])}` : '—';
    host.append(
      el('h2', null, 'Span detail'),
      el('p', { class: 'detail-title', id: 'detail-name' }, s.name),
      el('div', { class: 'sub' }, `${s.service} · ${at[A.thread] !== undefined ? `thread ${at[A.thread]}` : 'no thread'}`
        + `${at[A.tid] !== undefined ? ` (tid ${at[A.tid]})` : ''} · ${clock(s.startUnixNano)}`),
      el('div', { class: 'figures' },
        figure(duration(s.durationNanos), 'duration'),
        figure(num(s.faults), 'page faults'),
        figure(bytes(at[A.copied] || 0), 'bytes copied'),
        figure(cap, 'capacity'),
        figure(at[A.mmapBytes] ? bytes(at[A.mmapBytes]) : '0 B', `mmap bytes (${num(at[A.mmapCount] || 0)} calls)`),
        figure(at[A.source] !== undefined ? String(at[A.source]) : '—', 'kernel source')),
    );

    host.append(el('h3', null, `Memory syscalls (${s.events.length})`));
    if (s.events.length) {
      const body = el('tbody');
      for (const ev of s.events) {
        const args = [];
        for (const [k, v] of Object.entries(ev.attributes || {}).sort(byCallOrder)) {
          if (args.length) args.push(' ');
          args.push(el('span', { class: 'arg' }, `${k}=${fmtArg(ev.name, k, v)}`));
        }
        body.appendChild(el('tr', { class: 'event' },
          el('td', { class: 'num' }, `+${duration(Math.max(0, nanosBetween(s.startUnixNano, ev.timeUnixNano)))}`),
          el('td', { class: 'ev-name' }, ev.name),
          el('td', { class: 'args' }, args)));
      }
      host.append(el('table', { id: 'detail-events' },
        el('thead', null, el('tr', null, el('th', { class: 'num' }, 'at'), el('th', null, 'call'), el('th', null, 'arguments and result'))),
        body));
    } else {
      host.append(el('p', { class: 'sub' }, 'This operation made no memory syscalls.'));
    }

    host.append(el('h3', null, 'Attributes'));
    const kv = el('tbody');
    for (const k of Object.keys(at).sort()) kv.appendChild(el('tr', null, el('td', null, k), el('td', null, fmtValue(at[k]))));
    host.append(el('table', { class: 'kv', id: 'detail-attributes' }, kv));
    host.append(el('h3', null, 'Resource'));
    const res = el('tbody');
    for (const k of Object.keys(s.resource || {}).sort()) {
      res.appendChild(el('tr', null, el('td', null, k), el('td', null, fmtValue(s.resource[k]))));
    }
    host.append(el('table', { class: 'kv' }, res));
    host.append(el('p', { class: 'ids' }, `trace ${s.traceId} · span ${s.spanId}${s.parentSpanId ? ` · parent ${s.parentSpanId}` : ''}`));
  }

  // Exporters may sort attributes by name (the OTel SDK does); a syscall reads best in call order.
  const ARG_ORDER = ['addr', 'address', 'start', 'old_addr', 'old_address', 'old_len', 'old_size', 'new_len', 'new_size',
    'len', 'len_in', 'length', 'size', 'prot', 'flags', 'fd', 'off', 'offset', 'pgoff', 'new_addr', 'advice', 'behavior',
    'brk'];

  // The agent sends a syscall's arguments as the kernel saw them (numbers); say them as a man page does.
  const PROT = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']];
  const MAP = [[0x01, 'MAP_SHARED'], [0x02, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'],
    [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'],
    [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'],
    [0x40000, 'MAP_HUGETLB'], [0x100000, 'MAP_FIXED_NOREPLACE']];
  const MREMAP = [[1, 'MREMAP_MAYMOVE'], [2, 'MREMAP_FIXED'], [4, 'MREMAP_DONTUNMAP']];
  const MADV = { 0: 'MADV_NORMAL', 1: 'MADV_RANDOM', 2: 'MADV_SEQUENTIAL', 3: 'MADV_WILLNEED', 4: 'MADV_DONTNEED',
    8: 'MADV_FREE', 9: 'MADV_REMOVE', 10: 'MADV_DONTFORK', 11: 'MADV_DOFORK', 12: 'MADV_MERGEABLE',
    13: 'MADV_UNMERGEABLE', 14: 'MADV_HUGEPAGE', 15: 'MADV_NOHUGEPAGE', 16: 'MADV_DONTDUMP', 17: 'MADV_DODUMP',
    18: 'MADV_WIPEONFORK', 19: 'MADV_KEEPONFORK', 20: 'MADV_COLD', 21: 'MADV_PAGEOUT', 22: 'MADV_POPULATE_READ',
    23: 'MADV_POPULATE_WRITE', 25: 'MADV_COLLAPSE' };
  const ERRNO = { 1: 'EPERM', 9: 'EBADF', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY',
    19: 'ENODEV', 22: 'EINVAL', 75: 'EOVERFLOW' };
  const POINTERS = new Set(['addr', 'address', 'start', 'old_addr', 'old_address', 'new_addr', 'brk']);
  const RETURNS_POINTER = new Set(['mmap', 'mremap', 'brk']);

  function bits(v, table, none) {
    const names = [];
    let rest = v;
    for (const [bit, name] of table) if (v & bit) { names.push(name); rest &= ~bit; }
    if (rest) names.push(`0x${rest.toString(16)}`);
    return names.length ? names.join('|') : none;
  }

  function fmtArg(call, key, v) {
    if (typeof v !== 'number' || !Number.isInteger(v)) return fmtValue(v);
    const k = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    if (k === 'ret') {
      if (v < 0 && v >= -4095) return `-${ERRNO[-v] || -v}`;
      return RETURNS_POINTER.has(call) ? `0x${v.toString(16)}` : String(v);
    }
    if (POINTERS.has(k) && v >= 0) return `0x${v.toString(16)}`;
    // an int argument read as unsigned 32 bits (mmap's fd of -1 arrives as 4294967295)
    if (k === 'fd' && v >= 2 ** 31 && v < 2 ** 32) return String(v - 2 ** 32);
    if (k === 'prot' && call === 'mmap') return bits(v, PROT, 'PROT_NONE');
    if (k === 'flags' && call === 'mmap') return bits(v, MAP, '0');
    if (k === 'flags' && call === 'mremap') return bits(v, MREMAP, '0');
    if ((k === 'behavior' || k === 'advice') && call === 'madvise') return MADV[v] || String(v);
    return String(v);
  }
  function argRank(key) {
    const last = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    if (last === 'ret' || last === 'return' || last === 'result' || last === 'retval') return 1000;
    const i = ARG_ORDER.indexOf(last);
    return i < 0 ? 500 : i;
  }
  function byCallOrder([a], [b]) {
    return argRank(a) - argRank(b) || a.localeCompare(b);
  }

  function fmtValue(v) {
    if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
    if (v !== null && typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  // ---------- wiring ----------

  let timer = null;
  function schedule() {
    if (timer) clearInterval(timer);
    timer = $('live').checked ? setInterval(refresh, 5000) : null;
  }

  document.addEventListener('DOMContentLoaded', () => {
    renderLegend();
    for (const th of $('sites').tHead.rows[0].cells) {
      th.addEventListener('click', () => {
        const key = th.dataset.key;
        // numbers start biggest-first, names A-Z
        if (state.sort.key === key) state.sort.dir = -state.sort.dir;
        else state.sort = { key, dir: key === 'type' || key === 'site' ? 1 : -1 };
        renderSites();
      });
    }
    $('service').addEventListener('change', refresh);
    $('range').addEventListener('change', () => zoomTo(null, null));
    $('zoom-reset').addEventListener('click', () => zoomTo(null, null));
    $('refresh').addEventListener('click', refresh);
    $('live').addEventListener('change', schedule);
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(refresh, 200);
    });
    refresh();
    schedule();
  });
})();
