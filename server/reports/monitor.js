// The live hall monitor page: follows the hall's pushes, asks /monitor.json on each.
const T = __TEXTS__; const q = new URLSearchParams(location.search);
const auth = 'device=' + encodeURIComponent(q.get('device') || '') + '&token='
  + encodeURIComponent(q.get('token') || '');
const $ = (id) => document.getElementById(id);
let view = null, offset = 0, pending = null, ws = null, delay = 1000, n = 0, zoned = false;
function el(tag, cls, text){ const e = document.createElement(tag); if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; return e; }
function mins(s){ s = Math.max(0, Math.floor(s)); const h = Math.floor(s / 3600),
  m = Math.floor(s % 3600 / 60), x = s % 60; return (h ? h + ':' + String(m).padStart(2, '0')
  : m) + ':' + String(x).padStart(2, '0'); }
function pct(v){ return v === null ? '—' : (v * 100).toFixed(1) + '%'; }
async function refresh(){ try { const r = await fetch('/monitor.json?' + auth, {cache: 'no-store'});
  if (r.ok) { view = await r.json(); offset = Date.now() / 1000 - view.now; draw();
    if (!zoned && ws && ws.readyState === 1) { zoned = true;  // every ticket's change
      send('subscribe', {topics: view.zones.map(z => 'zone:' + z.id)}); } } }
  catch (e) {} }
function soon(){ if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 150); }
function tile(label, value, hot){ const d = el('div', 'tile' + (hot ? ' hot' : ''));
  d.appendChild(el('span', 'muted', label)); d.appendChild(el('b', '', String(value))); return d; }
function draw(){ if (!view) return; const now = Date.now() / 1000 - offset, th = view.thresholds;
  $('name').textContent = view.hall + ' · ' + T['report.monitor.title'];
  const tt = view.totals, tot = $('totals'); tot.innerHTML = '';
  tot.appendChild(tile(T['report.monitor.issued'], tt.issued));
  tot.appendChild(tile(T['report.monitor.served'], tt.served));
  tot.appendChild(tile(T['report.monitor.waiting'], tt.waiting));
  tot.appendChild(tile(T['report.monitor.no_shows'], tt.no_shows));
  tot.appendChild(tile(T['report.monitor.wait_mean'], tt.wait_mean === null ? '—' : mins(tt.wait_mean)));
  tot.appendChild(tile(T['report.monitor.satisfaction'], pct(tt.satisfaction)));
  tot.appendChild(tile(T['report.monitor.bad'], tt.bad, tt.bad > 0));
  const alarms = view.alarms.map(a => a.text.zh_CN); const zs = $('zones'); zs.innerHTML = '';
  for (const z of view.zones){ const longest = z.oldest_issued_at === null ? 0 : now - z.oldest_issued_at;
    const hot = longest > th.wait || z.waiting > th.queue;
    if (longest > th.wait) alarms.push(T['report.monitor.alarm_wait'].replace('{zone}', z.name)
      .replace('{minutes}', Math.floor(longest / 60)));
    const d = tile(z.prefix + ' ' + z.name, z.waiting, hot);
    d.appendChild(el('span', 'muted', T['report.monitor.longest'] + ' ' + mins(longest)));
    zs.appendChild(d); }
  const ws_ = $('windows'); ws_.innerHTML = '';
  for (const w of view.windows){ const d = el('div', 'win ' + w.status);
    d.appendChild(el('div', 'n', w.number + (w.name ? ' ' + w.name : '') + ' · '
      + (T['report.monitor.w.' + w.status] || w.status)));
    d.appendChild(el('div', '', w.staff_name || '—'));
    if (w.ticket) d.appendChild(el('div', '', w.ticket + ' · ' + mins(now - w.service_since)));
    if (w.status === 'paused') { const p = w.paused_since === null ? 0 : now - w.paused_since;
      d.appendChild(el('div', '', T['report.monitor.paused'] + ' ' + (w.pause_reason || '')
        + ' ' + mins(p)));
      if (p > th.pause) { d.className += ' hot'; alarms.push(T['report.monitor.alarm_pause']
        .replace('{window}', w.number).replace('{minutes}', Math.floor(p / 60))); } }
    ws_.appendChild(d); }
  const al = $('alarms'); al.innerHTML = '';
  for (const a of alarms) al.appendChild(el('div', '', '⚠ ' + a));
  if (!alarms.length) al.appendChild(el('span', 'muted', T['report.monitor.no_alarms'])); }
function send(op, extra){ const id = op + (++n); ws.send(JSON.stringify({op, id, ...extra})); return id; }
function connect(){ ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://')
    + location.host + '/ws');
  ws.onopen = () => { delay = 1000; $('live').textContent = T['report.monitor.live'];
    send('auth', {device: q.get('device') || '', token: q.get('token') || ''});
    send('subscribe', {topics: ['hall']}); zoned = false; };
  ws.onmessage = (m) => { const msg = JSON.parse(m.data);
    if ('re' in msg) { if (String(msg.re).startsWith('subscribe')) refresh(); return; }
    if (msg.events) soon(); };
  ws.onclose = () => { $('live').textContent = T['report.monitor.offline'];
    setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }; }
setInterval(draw, 1000); connect();
