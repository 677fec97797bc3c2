"""The hub's ticket status page, self-contained (no external assets: the hall LAN may be
offline); the web hall board is in ``board.py``.

It speaks protocol v1 over an anonymous websocket on the same port and fall back to polling
when the socket drops. Texts come from ``shared.texts`` and are embedded when the module loads.
"""

from __future__ import annotations

import json

from shared.sync import sync_js
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
const T = __TEXTS__; let view = __TICKET__; const code = view.code; const sync = new Sync();
function show(v){ view = v; document.getElementById('label').textContent = v.label;
  const say = document.getElementById('say'); say.innerHTML = '';
  say.className = 'say' + (v.status === 'called' ? ' hot' : '');
  for (const s of v.say){ const p = document.createElement('div'); p.textContent = s.zh_CN;
    say.appendChild(p); }
  document.getElementById('zone').textContent = v.zone_name + ' · ' + v.status_name.zh_CN;
  // watching the screens is advice for a ticket still to be called, not for a finished one
  document.getElementById('hint').hidden = !(v.status === 'waiting' || v.status === 'called');
  if (v.status === 'called' && navigator.vibrate) navigator.vibrate([300, 100, 300]); }
function live(on){ document.getElementById('live').textContent =
  on ? T['hub.ticket.live'] : T['hub.ticket.offline']; }
async function poll(){ try { const r = await fetch('/t/' + code + '.json', {cache: 'no-store'});
  if (r.ok) show((await r.json()).ticket); } catch (e) {} }
let delay = 1000, timer = null;
function connect(){ const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://')
    + location.host + '/ws');
  ws.onopen = () => { delay = 1000; live(true); clearInterval(timer); sync.expect('connect');
    ws.send(JSON.stringify({op: 'subscribe', id: 'sub', topics: ['ticket:' + code]})); };
  ws.onmessage = (m) => { const msg = JSON.parse(m.data);
    if (msg.re === 'sub' || msg.re === 'snap') {
      if (!msg.ok) { sync.failed(); return; }
      sync.snapshot(msg.result.seq); const s = msg.result.topics['ticket:' + code];
      if (s && s.ticket) show(s.ticket); }
    else if (msg.events) for (const e of msg.events) {
      const step = sync.push(e.seq, e.prev, e.event);  // a gap: the snapshot says where it is
      if (step.resync) ws.send(JSON.stringify({op: 'snapshot', id: 'snap'}));
      if (step.deliver && e.event === 'status') show(e.ticket); } };
  ws.onclose = () => { sync.lost(); live(false); clearInterval(timer);
    timer = setInterval(poll, 10000);
    setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); }; }
connect();
"""

TICKET_PAGE = page(
    t("hub.ticket.title"),
    '<main><div class="card"><div class="muted">' + t("hub.ticket.number") + "</div>"
    '<div id="label" class="big">__LABEL__</div><div id="zone" class="muted"></div>'
    '<div id="say" class="say">__SAY__</div></div>'
    '<p id="hint" class="muted">' + t("hub.ticket.hint") + "</p>"
    '<p id="live" class="muted"></p></main>',
    sync_js() + _TICKET_SCRIPT.replace("__TEXTS__", _texts("hub.ticket.")) + "show(view);",
)
