"""The web hall board (``/display``) for browser TVs and Android TV boxes, what it and the Qt
board learn about the hall over HTTP (``/display/hall.json``: the time zone and today's hours),
and the answer to a ticket code that is unknown or from another day.

The page is self-contained (no external assets: the hall LAN may be offline) and shows what
the Qt hall board shows: the newest call large (a recall marked as such, never a second line),
the recent calls, waiting per zone, the windows' states, the notices and the hall's clock in
the hall's own time zone, corrected by the server's time. It speaks protocol v1 over an
anonymous websocket (or ``/display?device=ID&token=TOKEN``), reconnects with backoff and takes
the snapshot again on every connection, keeping the last state with a 连接中断 mark meanwhile.
"""

from __future__ import annotations

import functools
import json
import re
import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from shared.config import HallConfig
from shared.sync import sync_js
from shared.texts import TEXTS, t

from .html import page


def hours_today(config: HallConfig, now: float | None = None) -> list[str] | None:
    """Today's opening periods in the hall's calendar; None when the hall keeps no hours."""
    hours = config.hours
    if not hours.weekly and not hours.dates:
        return None
    day = datetime.fromtimestamp(time.time() if now is None else now, config.tz).date()
    return [str(p) for p in hours.periods_on(day)]


def hall_info(config: HallConfig, now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    return {
        "name": config.name,
        "name_en": config.name_en,
        "timezone": config.timezone,
        "hours_today": hours_today(config, now),
        "time": now,
    }


# -- the announcements, for the browser's own audio -----------------------------------------
_LABEL = re.compile(r"[A-Z]{1,3}[0-9]{1,5}")


@functools.lru_cache(maxsize=1)
def _pack() -> Any:
    from voice import Pack

    return Pack.load()


@functools.lru_cache(maxsize=256)
def say_wav(ticket: str, window: int, recall: int, repeats: int) -> bytes:
    """A call read by the hall's default clip pack (the Qt board's own ``clips`` voice): the
    chime, then the sentence ``repeats`` times, as one WAV."""
    from voice import Audio, Wording
    from voice.wording import CHIME, call_text, read_zh

    pack = _pack()
    clips = pack.loader()
    call = {"ticket": ticket, "window": window, "recall": recall,
            "how": "recall" if recall else "next"}  # fmt: skip
    names = read_zh(call_text(call, Wording.default()), pack.words)
    gap = Audio.silence(pack.rate, 0.4).frames
    spoken = clips.render(names).frames
    frames = clips.get(CHIME).frames + Audio.silence(pack.rate, 0.1).frames
    frames += gap.join([spoken] * repeats)
    return bytes(Audio(pack.rate, frames).wav_bytes())


def say(query: str) -> tuple[int, bytes, str]:
    """``/display/say.wav?ticket=A001&window=3&recall=0&repeats=2``: (status, body, type)."""
    q = {k: v[0] for k, v in parse_qs(query).items()}
    ticket = q.get("ticket", "").upper()
    try:
        window, recall = int(q.get("window", "")), int(q.get("recall", "0"))
        repeats = int(q.get("repeats", "2"))
    except ValueError:
        window = recall = repeats = -1
    if (
        not _LABEL.fullmatch(ticket)
        or not (1 <= window <= 999)
        or not (0 <= recall <= 9)
        or not (1 <= repeats <= 3)
    ):
        message = "ticket=A001&window=3[&recall=N][&repeats=1..3]"
        return 400, f"{t('hub.not_found')} / {message}".encode(), "text/plain; charset=utf-8"
    try:
        return 200, say_wav(ticket, window, recall, repeats), "audio/wav"
    except Exception as e:  # no pack here, or a clip it lacks: the page stays silent
        return 503, f"voice: {e}".encode(), "text/plain; charset=utf-8"


def _texts() -> str:
    return json.dumps(
        {k: v for k, v in TEXTS.items() if k.startswith(("display.", "ops.board."))},
        ensure_ascii=False,
    ).replace("</", "<\\/")


_STYLE = """
html,body{height:100%;overflow:hidden}
body{background:#06182F;color:#fff;display:flex;flex-direction:column;font-size:2.6vh}
header{display:flex;justify-content:space-between;align-items:center;padding:1vh 2vw;
background:#0B3C7D}#name{font-size:4vh;font-weight:700}#name-en,#date{font-size:2vh;
color:#CFE0F5}#clock{font-size:4vh;font-weight:700;color:#FFD54A;text-align:right}
#notice{background:#B3261E;font-size:3vh;font-weight:700;padding:.6vh 2vw;white-space:nowrap;
overflow:hidden}#notice:empty{display:none}#notice span{display:inline-block}
#notice.scroll span{padding-left:100%;animation:marquee 20s linear infinite}
@keyframes marquee{from{transform:translateX(0)}to{transform:translateX(-100%)}}
main.board{flex:1;display:grid;grid-template-columns:11fr 9fr;gap:1vh;padding:1vh 1vw;
grid-template-rows:minmax(0,1fr);max-width:none;margin:0;text-align:left;min-height:0}
.panel{background:#0E2A4D;border-radius:6px;padding:1vh 1.5vw;overflow:hidden}
h2{color:#CFE0F5;font-weight:700;font-size:2.6vh;margin:0 0 .5vh}
#newest{text-align:center}#number{font-size:14vh;font-weight:700;color:#FFD54A;
line-height:1.15}#number.flash{animation:flash .9s steps(1) 7}
@keyframes flash{0%{background:#FFD54A;color:#06182F}50%{background:none;color:#FFD54A}}
#line{font-size:5vh;font-weight:700}#line-en{font-size:2vh;color:#CFE0F5}
#recall{font-size:3vh;font-weight:700;color:#FFD54A;min-height:3.6vh}
.col{display:flex;flex-direction:column;gap:1vh;min-height:0;overflow:hidden}
.grow{flex:1;min-height:0}
.call{display:grid;grid-template-columns:2fr 2fr 3fr 1fr;font-size:3.6vh;padding:.1vh 0;
border-bottom:1px solid #24476B}.call b{font-weight:700}.call .zone{font-size:3.2vh;
color:#CFE0F5}.call .mark{color:#FFD54A;font-size:2.8vh;text-align:right}
.zone-row{display:flex;justify-content:space-between;font-size:2.8vh;padding:.2vh 0}
.zone-row b{color:#FFD54A}
#windows{display:grid;grid-template-columns:repeat(4,1fr);gap:.6vh}
.win{padding:.4vh;border-radius:4px;background:#14507F;font-size:2vh;text-align:center;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.win.calling{background:#8A5A00}
.win.serving{background:#1E6B3A}.win.paused{background:#7A1F1A}
.win.logged_out{background:#2A3A50}
footer{display:flex;justify-content:space-between;padding:.5vh 2vw;font-size:2vh;
color:#CFE0F5}#offline{background:#8C1D18;color:#fff;font-weight:700;padding:0 1vw;
border-radius:4px}#offline[hidden]{display:none}
#audio{position:fixed;bottom:4vh;right:2vw;background:#0B3C7D;padding:1vh 1vw;
border-radius:6px;font-size:2vh}#audio[hidden]{display:none}
@media (orientation:portrait){main.board{grid-template-columns:1fr}#number{font-size:10vh}}
"""

_SCRIPT = """
const T = __TEXTS__; const HALL = __HALL__; const q = new URLSearchParams(location.search);
const tx = (k, p) => { let s = T[k][0]; for (const n in (p || {})) s = s.replace('{' + n + '}',
  p[n]); return s; };
const $ = (id) => document.getElementById(id);
function el(tag, cls, text){ const e = document.createElement(tag); if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text; return e; }
const RECENT = Math.max(0, Math.min(20, parseInt(q.get('recent') || '8', 10) || 8));
let calls = [], zones = [], windows = {}, notices = [], ws = null, delay = 1000,
  n = 0, skew = 0, connected = false;
const sync = new Sync();  // shared/sync.js: which pushes follow, when to ask for a snapshot
// one line per ticket, newest first: a recall moves its ticket's line to the top, marked
function fold(call){ calls = [call, ...calls.filter(c => c.ticket_id !== call.ticket_id)]
  .slice(0, RECENT + 1); }
const isRecall = (c) => c.how === 'recall' && c.recall > 0;
function windowText(w){ if (w.status === 'logged_out') return tx('display.state.logged_out');
  if (w.status === 'paused') return w.pause_reason ?
    tx('display.state.paused_reason', {reason: w.pause_reason}) : tx('display.state.paused');
  if ((w.status === 'calling' || w.status === 'serving') && w.ticket)
    return tx('display.state.' + w.status, {ticket: w.ticket});
  return tx('display.state.idle'); }
function drawCalls(flash){ const c = calls[0];
  $('number').textContent = c ? c.ticket : tx('display.no_calls');
  $('line').textContent = c ? c.announce.zh_CN : '';
  $('line-en').textContent = c ? c.announce.en : '';
  $('recall').textContent = c && isRecall(c) ? tx('display.recall', {n: c.recall + 1}) :
    (c ? (c.window_name || c.zone_name || '') : '');
  $('newest').dataset.recall = c && isRecall(c) ? String(c.recall) : '0';
  if (flash) { const e = $('number'); e.classList.remove('flash'); void e.offsetWidth;
    e.classList.add('flash'); }
  const r = $('recent'); r.innerHTML = '';
  for (const x of calls.slice(1)) { const d = el('div', 'call'); d.dataset.ticket = x.ticket;
    d.appendChild(el('b', '', x.ticket));
    d.appendChild(el('span', '', tx('display.window_n', {n: x.window})));
    d.appendChild(el('span', 'zone', x.zone_name));
    d.appendChild(el('span', 'mark', isRecall(x) ? tx('display.recall_short') : ''));
    r.appendChild(d); }
  // as many lines as the panel holds: a line is shown whole or not at all
  const box = r.parentElement.getBoundingClientRect();
  while (r.lastChild && r.lastChild.getBoundingClientRect().bottom > box.bottom - 4)
    r.removeChild(r.lastChild); }
function drawRest(){ const z = $('zones'); z.innerHTML = '';
  for (const x of zones){ const d = el('div', 'zone-row'); d.appendChild(el('span', '', x.name));
    d.appendChild(el('b', '', tx('display.waiting_n', {n: x.waiting}))); z.appendChild(d); }
  const w = $('windows'); w.innerHTML = '';
  for (const k of Object.keys(windows).sort((a, b) => a - b)){ const v = windows[k];
    const d = el('div', 'win ' + v.status); d.dataset.window = k;
    d.appendChild(el('div', '', tx('display.window_n', {n: v.number})));
    d.appendChild(el('div', 'state', windowText(v))); w.appendChild(d); }
  drawNotices(); }
window.addEventListener('resize', () => drawCalls(false));
function drawNotices(){ const now = Date.now() / 1000 + skew / 1000;
  notices = notices.filter(x => Math.max(x.until, x.at + 60) > now);
  const text = notices.filter(x => x.level !== 'system').map(x => x.text).join('\\u3000\\u3000');
  const b = $('notice'); if (b.dataset.text === text) return;
  const banded = !!b.dataset.text; b.dataset.text = text;
  b.innerHTML = ''; if (text) { b.appendChild(el('span', '', text));
    b.classList.toggle('scroll', b.firstChild.offsetWidth > b.clientWidth); }
  if (banded !== !!text) drawCalls(false); }  // the band took or gave back room
function snapshot(s){ const h = s.topics && s.topics.hall; if (!h) return;
  $('name').textContent = h.hall.name; $('name-en').textContent = h.hall.name_en || '';
  calls = []; for (const c of h.recent.slice().reverse()) fold(c);
  zones = h.zones; windows = {}; for (const w of h.windows) windows[w.number] = w;
  notices = h.notices.slice(); drawRest(); drawCalls(false); }
function send(op, extra){ const id = op + (++n); ws.send(JSON.stringify({op, id, ...extra}));
  return id; }
function live(on){ connected = on; $('offline').hidden = on; document.body.dataset.live = on; }
let refused = false;  // a wrong device token: said on the page, not retried
function start(){ send('ping', {}); sync.expect('connect');
  send('subscribe', {topics: ['hall']}); }
function resync(){ send('snapshot', {}); }
function connect(){ ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://')
    + location.host + '/ws');
  ws.onopen = () => { delay = 1000; if (q.get('device')) send('auth', {device: q.get('device'),
    token: q.get('token') || ''}); else start(); };
  ws.onmessage = (m) => { const msg = JSON.parse(m.data); const re = String(msg.re);
    if ('re' in msg) { if (!msg.ok) { if (re.startsWith('auth')) { refused = true; ws.close();
          $('notice').textContent = T['ops.board.bad_token'].join(' / '); }
        else if (re.startsWith('subscribe')) $('notice').textContent = msg.error.message;
        else if (re.startsWith('snapshot')) sync.failed();
        return; }
      if (re.startsWith('auth')) { start(); return; }
      if (msg.result.topics) { sync.snapshot(msg.result.seq); snapshot(msg.result);
        live(true); }
      else if (String(msg.re).startsWith('ping') && msg.result.time)
        skew = msg.result.time * 1000 - Date.now();
      return; }
    for (const e of msg.events || []) {
      const step = sync.push(e.seq, e.prev, e.event);
      if (!step.deliver) { if (step.resync) resync(); continue; }
      if (e.event === 'called' || e.event === 'recalled') { fold(e.call); drawCalls(true);
        speak(e.call); }
      else if (e.event === 'window') { windows[e.window.number] = e.window; drawRest(); }
      else if (e.event === 'counts') { for (const z of zones) if (z.id in e.zones)
        z.waiting = e.zones[z.id]; drawRest(); }
      else if (e.event === 'notice') { if (e.notice.level === 'clear') notices = [];
        else notices.push(e.notice); drawNotices(); }
      else if (e.event === 'day') { calls = []; notices = []; drawCalls(false); drawRest(); }
      if (step.resync) resync(); } };
  ws.onclose = () => { sync.lost(); if (refused) return; live(false);
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000); }; }
const dateFmt = new Intl.DateTimeFormat('zh-CN', {timeZone: HALL.timezone, year: 'numeric',
  month: 'long', day: 'numeric', weekday: 'long'});
const timeFmt = new Intl.DateTimeFormat('zh-CN', {timeZone: HALL.timezone, hour: '2-digit',
  minute: '2-digit', second: '2-digit', hour12: false});
function tick(){ const now = new Date(Date.now() + skew);
  $('clock').textContent = timeFmt.format(now); $('date').textContent = dateFmt.format(now);
  if (notices.length) drawNotices(); }
// voice: the hall's clip pack, rendered by the hub, one announcement at a time, never cut
// off; one older than a minute is dropped. Browsers that need a first gesture get a prompt.
const said = [], queue = []; let playing = false;
const player = new Audio();
function speak(call){ if (q.get('voice') === 'off') return;
  queue.push({at: Date.now(), url: '/display/say.wav?ticket=' + encodeURIComponent(call.ticket)
    + '&window=' + call.window + '&recall=' + (isRecall(call) ? call.recall : 0)});
  if (!playing) next(); }
function next(){ while (queue.length && Date.now() - queue[0].at > 60000) queue.shift();
  if (!queue.length) { playing = false; return; }
  const item = queue.shift(); playing = true; player.src = item.url;
  player.play().then(() => { said.push(item.url); document.body.dataset.said = said.length; })
    .catch(() => { $('audio').hidden = false; playing = false; queue.unshift(item); }); }
player.onended = next; player.onerror = () => { playing = false; next(); };
document.addEventListener('click', () => { $('audio').hidden = true;
  player.muted = false; if (!playing) next(); });
$('audio').textContent = tx('display.web.audio'); $('audio').hidden = true;
const H = HALL.hours_today;
$('hours').textContent = H === null ? '' : (H.length ? tx('display.hours', {hours: H.join(' ')})
  : tx('display.hours_closed'));
$('offline').textContent = tx('display.offline');
setInterval(tick, 1000); tick(); live(false); drawCalls(false); connect();
"""

_BODY = (
    '<header><div><div id="name"></div><div id="name-en"></div></div><div><div id="clock">'
    '</div><div id="date"></div></div></header><div id="notice" data-text=""></div>'
    '<main class="board"><div class="col"><section id="newest" class="panel"><h2>'
    + t("display.now_calling")
    + '</h2><div id="number"></div><div id="line"></div><div id="line-en"></div>'
    '<div id="recall"></div></section><section class="panel grow"><h2>'
    + t("display.recent")
    + '</h2><div id="recent"></div></section></div><div class="col"><section class="panel">'
    "<h2>"
    + t("display.waiting")
    + '</h2><div id="zones"></div></section><section class="panel grow"><h2>'
    + t("display.windows")
    + '</h2><div id="windows"></div></section></div></main>'
    '<footer><span id="hours"></span><span id="offline" hidden></span></footer>'
    '<div id="audio"></div>'
)


def board_page(config: HallConfig, now: float | None = None) -> str:
    info = json.dumps(hall_info(config, now), ensure_ascii=False).replace("</", "<\\/")
    script = sync_js() + _SCRIPT.replace("__TEXTS__", _texts()).replace("__HALL__", info)
    return page(t("display.web.title"), _BODY, script, _STYLE)


def unknown_ticket_page() -> str:
    """/t/<code> for a code that is unknown or from another day: what to do, in both languages."""
    body = (
        '<main><div class="card"><p class="big" style="font-size:2.2rem">'
        + t("display.ticket.unknown_title")
        + '</p><p class="say">'
        + t("display.ticket.unknown_help")
        + '</p><p class="muted">'
        + t("display.ticket.unknown_title", "en")
        + "<br>"
        + t("display.ticket.unknown_help", "en")
        + "</p></div></main>"
    )
    return page(t("display.ticket.unknown_title"), body)
