"""The hub's two web pages, self-contained (no external assets: the hall LAN may be offline).

Both speak protocol v1 over an anonymous websocket on the same port and fall back to polling
when the socket drops. Texts come from ``shared.texts`` and are embedded when the module loads.
"""

from __future__ import annotations

import json

from shared.texts import TEXTS, t

_STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:"PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;background:#f4f6f8;color:#1d2733}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem;text-align:center}
.big{font-size:4.5rem;font-weight:700;margin:.5rem 0;letter-spacing:.05em;color:#0b5cad}
.say{font-size:1.5rem;line-height:1.6;margin:1rem 0}.say.hot{color:#c0392b;font-weight:700}
.muted{color:#66727f;font-size:.95rem}.card{background:#fff;border-radius:12px;
padding:1rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
"""


def page(title: str, body: str, script: str = "", style: str = "") -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}{style}</style></head>"
        f"<body>{body}<script>{script}</script></body></html>"
    )


def _texts(prefix: str) -> str:
    return json.dumps(
        {k: v[0] for k, v in TEXTS.items() if k.startswith(prefix)}, ensure_ascii=False
    )


# /t/<code>: __TICKET__ (JSON), __LABEL__ and __SAY__ are filled per request.
_TICKET_SCRIPT = """
const T = __TEXTS__; let view = __TICKET__; const code = view.code;
function show(v){ view = v; document.getElementById('label').textContent = v.label;
  const say = document.getElementById('say'); say.innerHTML = '';
  say.className = 'say' + (v.status === 'called' ? ' hot' : '');
  for (const s of v.say){ const p = document.createElement('div'); p.textContent = s.zh_CN;
    say.appendChild(p); }
  document.getElementById('zone').textContent = v.zone_name + ' · ' + v.status_name.zh_CN;
  if (v.status === 'called' && navigator.vibrate) navigator.vibrate([300, 100, 300]); }
function live(on){ document.getElementById('live').textContent =
  on ? T['hub.ticket.live'] : T['hub.ticket.offline']; }
async function poll(){ try { const r = await fetch('/t/' + code + '.json', {cache: 'no-store'});
  if (r.ok) show((await r.json()).ticket); } catch (e) {} }
let delay = 1000, timer = null;
function connect(){ const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://')
    + location.host + '/ws');
  ws.onopen = () => { delay = 1000; live(true); clearInterval(timer);
    ws.send(JSON.stringify({op: 'subscribe', id: 'sub', topics: ['ticket:' + code]})); };
  ws.onmessage = (m) => { const msg = JSON.parse(m.data);
    if (msg.re === 'sub' && msg.ok) { const s = msg.result.topics['ticket:' + code];
      if (s && s.ticket) show(s.ticket); }
    else if (msg.events) for (const e of msg.events) if (e.event === 'status') show(e.ticket); };
  ws.onclose = () => { live(false); clearInterval(timer); timer = setInterval(poll, 10000);
    setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }; }
connect();
"""

TICKET_PAGE = page(
    t("hub.ticket.title"),
    '<main><div class="card"><div class="muted">' + t("hub.ticket.number") + "</div>"
    '<div id="label" class="big">__LABEL__</div><div id="zone" class="muted"></div>'
    '<div id="say" class="say">__SAY__</div></div>'
    '<p class="muted">' + t("hub.ticket.hint") + '</p><p id="live" class="muted"></p></main>',
    _TICKET_SCRIPT.replace("__TEXTS__", _texts("hub.ticket.")) + "show(view);",
)

# /display: a basic web hall board (the display work finishes it). Anonymous when the hall
# allows a public board, else /display?device=ID&token=TOKEN authenticates with a first message.
_DISPLAY_STYLE = """
body{background:#0d1b2a;color:#fff}header{display:flex;justify-content:space-between;
padding:1rem 2rem;font-size:2rem;background:#1b3a5c}main.board{display:grid;
grid-template-columns:2fr 1fr;gap:1rem;padding:1rem 2rem;max-width:none;text-align:left}
h2{color:#9fc3e7;font-weight:400;margin:.5rem 0}.call{font-size:3rem;padding:.3rem 0;
border-bottom:1px solid #24476b}.call:first-child{color:#ffd166;font-size:4rem}
.zone{display:flex;justify-content:space-between;font-size:1.6rem;padding:.3rem 0}
.win{display:inline-block;min-width:7rem;margin:.2rem;padding:.4rem;border-radius:6px;
background:#1b3a5c;font-size:1.2rem;text-align:center}.win.calling{background:#8a5a00}
.win.serving{background:#1e6b3a}.win.logged_out{opacity:.35}#notice{color:#ffd166;
font-size:1.6rem;padding:0 2rem}
"""

_DISPLAY_SCRIPT = """
const T = __TEXTS__; const q = new URLSearchParams(location.search);
let last = -1, ws = null, delay = 1000, n = 0;
const $ = (id) => document.getElementById(id);
function el(tag, cls, text){ const e = document.createElement(tag); if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; return e; }
let recent = [], zones = {}, names = {}, windows = {};
function draw(){ const r = $('recent'); r.innerHTML = '';
  for (const c of recent.slice(0, 8)) r.appendChild(el('div', 'call', c.announce.zh_CN));
  const z = $('zones'); z.innerHTML = '';
  for (const id in zones){ const d = el('div', 'zone'); d.appendChild(el('span', '', names[id]));
    d.appendChild(el('span', '', zones[id])); z.appendChild(d); }
  const w = $('windows'); w.innerHTML = '';
  for (const k of Object.keys(windows).sort((a, b) => a - b)){ const v = windows[k];
    w.appendChild(el('span', 'win ' + v.status, v.number + ' ' + (v.ticket || '—'))); } }
function snapshot(s){ const h = s.topics.hall; if (!h) return; $('name').textContent = h.hall.name;
  recent = h.recent; zones = {}; names = {}; windows = {};
  for (const z of h.zones){ zones[z.id] = z.waiting; names[z.id] = z.name; }
  for (const w of h.windows) windows[w.number] = w;
  $('notice').textContent = h.notices.length ? h.notices[h.notices.length - 1].text : '';
  last = s.seq; draw(); }
function send(op, extra){ const id = op + (++n); ws.send(JSON.stringify({op, id, ...extra}));
  return id; }
function connect(){ ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://')
    + location.host + '/ws');
  ws.onopen = () => { delay = 1000; if (q.get('device')) send('auth', {device: q.get('device'),
    token: q.get('token') || ''}); send('subscribe', {topics: ['hall']}); };
  ws.onmessage = (m) => { const msg = JSON.parse(m.data);
    if ('re' in msg) { if (msg.ok && msg.result.topics) snapshot(msg.result);
      else if (!msg.ok && String(msg.re).startsWith('subscribe'))
        $('notice').textContent = msg.error.message; return; }
    for (const e of msg.events || []) {
      if (e.prev !== last || e.event === 'day') { send('snapshot', {}); return; }
      last = e.seq;
      if (e.event === 'called' || e.event === 'recalled') { recent.unshift(e.call);
        recent = recent.slice(0, 20); }
      else if (e.event === 'window') windows[e.window.number] = e.window;
      else if (e.event === 'counts') { for (const k in e.zones) zones[k] = e.zones[k]; }
      else if (e.event === 'notice') $('notice').textContent = e.notice.text; }
    draw(); };
  ws.onclose = () => { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }; }
function tick(){ $('clock').textContent = new Date().toLocaleTimeString('zh-CN'); }
setInterval(tick, 1000); tick(); connect();
"""

DISPLAY_PAGE = page(
    t("hub.display.title"),
    '<header><span id="name"></span><span id="clock"></span></header><div id="notice"></div>'
    '<main class="board"><section><h2>' + t("hub.display.recent") + '</h2><div id="recent">'
    "</div></section><section><h2>" + t("hub.display.waiting") + '</h2><div id="zones"></div>'
    "<h2>" + t("hub.display.window") + '</h2><div id="windows"></div></section></main>',
    _DISPLAY_SCRIPT.replace("__TEXTS__", _texts("hub.display.")),
    _DISPLAY_STYLE,
)
