"""``onetrip demo``: a whole hall on this machine, every part a real process.

The hall server on the sample 余姚 hall (embedded SQLite file), virtual ESC/POS printers on TCP,
kiosks issuing and printing at a busy day's pace, staff at the windows, and hall boards — each
a real protocol client in its own process. At the end it checks the hall behaved: no ticket a
kiosk was told about is lost, no ticket was called at two windows, every board saw every call.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from server.hub.process import HubProcess, free_port
from shared.config import HallConfig, load_config
from shared.sample import write_hall
from shared.sim import STOP_BOARDS, DemoDir

from . import demo_apps

# A well-run hall: citizens arrive at about four fifths of what the staffed windows can serve.
# (余姚's whole hall took about 85 cases an hour in October 2018, over some 35 window groups;
# the sample hall staffs twelve windows.)
LOAD = 0.8
# Who works which window: twelve staff over the twenty windows, every zone covered.
DESKS = {
    1: "s001",
    2: "s003",
    4: "s005",
    5: "s002",
    6: "s004",
    7: "s006",
    8: "s008",
    10: "s010",
    11: "s007",
    14: "s009",
    17: "s011",
    19: "s012",
}
KIOSKS = ("kiosk-1", "kiosk-2")
BOARDS = ("display-hall", "display-2f")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="run a whole demo hall (server, kiosks, windows, boards)")
    p.add_argument(
        "--headless",
        action="store_true",
        help="no windows on screen: every part runs as a protocol client (the default "
        "where there is no display)",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open the web pages")
    p.add_argument(
        "--offscreen",
        action="store_true",
        help="run the Qt apps without a screen (QT_QPA_PLATFORM=offscreen): SSH, CI",
    )
    p.add_argument(
        "--for",
        dest="seconds",
        type=float,
        default=None,
        help="stop after this many seconds (default: until Ctrl-C)",
    )
    p.add_argument(
        "--speed",
        type=float,
        default=60,
        help="hall minutes per real minute (default 60: an hour a minute)",
    )
    p.add_argument(
        "--dir", type=Path, help="keep the hall here (default: a temp folder, removed at the end)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp folder (logs, receipts)")
    p.add_argument("--port", type=int, default=0, help="hub port (default: any free one)")
    p.add_argument(
        "--autopilot",
        action="store_true",
        help="the apps on the screen work by themselves: citizens take tickets at the kiosk, "
        "window 3's clerk calls and serves, citizens rate (a touch pauses the kiosk's)",
    )
    p.set_defaults(func=cmd_demo)


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True


class Processes:
    def __init__(self, demo: DemoDir) -> None:
        self.demo = demo
        self.running: dict[str, subprocess.Popen[Any]] = {}

    def start(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """``python ARGS`` as a process of its own, logging to ``logs/NAME.log``. Each child is
        in a process group of its own: a Ctrl-C in the terminal reaches the demo alone, which
        then stops the children in order (kiosks and windows, then boards, then the server)."""
        log = (self.demo.path / "logs" / f"{name}.log").open("ab")
        options: dict[str, Any] = {}
        if sys.platform == "win32":
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            options["start_new_session"] = True
        try:
            proc = subprocess.Popen(
                [sys.executable, *args],
                stdout=log,
                stderr=log,
                cwd=self.demo.path,
                env=env,
                **options,
            )
        finally:
            log.close()  # the child has its own copy
        self.running[name] = proc
        return proc

    def dead(self, name: str) -> int | None:
        """The exit code of ``name`` if it has ended, else None."""
        proc = self.running.get(name)
        return None if proc is None else proc.poll()

    def wait(self, names: list[str], timeout: float) -> list[str]:
        """Wait for ``names`` to end; kill those that do not; the names that failed."""
        failed = []
        deadline = time.monotonic() + timeout
        for name in names:
            proc = self.running[name]
            try:
                code = proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            if code != 0:
                failed.append(name)
        return failed

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.running.values():
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def capacity_per_hour(config: HallConfig) -> dict[str, float]:
    """Citizens an hour each zone's staffed desks can serve (a desk serving several zones is
    shared between them by its weights), from the matters' mean service minutes."""
    per_zone: dict[str, float] = {}
    for number in DESKS:
        window = config.windows[number]
        total = sum(window.zones.values())
        for zone_id, weight in window.zones.items():
            zone = config.zones[zone_id]
            minutes = [m.service_minutes for m in zone.matters.values()] or [8.0]
            mean = sum(minutes) / len(minutes)
            per_zone[zone_id] = per_zone.get(zone_id, 0.0) + 60 / mean * weight / total
    return per_zone


def cmd_demo(args: argparse.Namespace) -> int:
    code = 1
    path = args.dir or Path(tempfile.mkdtemp(prefix="onetrip-demo-"))
    try:
        code = _demo(args, path)
    finally:
        if args.dir is None and not args.keep:
            shutil.rmtree(path, ignore_errors=True)
            print(f"  已删除演示目录 / removed {path} (--keep keeps it)")
    return code


def _demo(args: argparse.Namespace, path: Path) -> int:
    path.mkdir(parents=True, exist_ok=True)
    path = path.resolve()  # the server runs from the checkout, the other parts from here
    (path / "logs").mkdir(exist_ok=True)
    demo = DemoDir(path)
    port = args.port or free_port()
    write_hall(demo.config, force=True, always_open=True)
    text = demo.config.read_text(encoding="utf-8")
    text = text.replace("http://192.168.1.10:8765", f"http://127.0.0.1:{port}")
    # The hall's clock runs --speed times faster: the receipts' waits are in hall minutes.
    text = text.replace("\n[policy]\n", f"\n[policy]\ndemo_speed = {args.speed:g}\n", 1)
    demo.config.write_text(text, encoding="utf-8")
    for stale in (demo.db, path / "stop", path / STOP_BOARDS, *path.glob("*.jsonl")):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stale)
    url = f"ws://127.0.0.1:{port}"
    capacity = capacity_per_hour(load_config(demo.config))
    hourly = LOAD * sum(capacity.values())
    rate = hourly * args.speed / 3600
    mix = ",".join(
        f"{zone}={share / sum(capacity.values()):.3f}" for zone, share in capacity.items()
    )
    procs = Processes(demo)
    print(f"onetrip 演示大厅 / demo hall in {path}")
    gui = not args.headless
    if gui and not args.offscreen and (reason := _no_display()):
        print(f"  {reason}")
        print("  以无界面方式运行 / running headless (--headless)")
        gui = False
    # On screen: kiosk-1, window 3's caller, the board and window 3's screen are the real apps;
    # the rest of the hall (kiosk-2, the other windows) is simulated around them.
    kiosks = KIOSKS[1:] if gui else KIOSKS
    # With --autopilot the kiosk on the screen takes as many citizens as can be watched
    # tapping through it; the simulated kiosk-2 takes the rest of the hall's arrivals.
    autopilot = gui and args.autopilot
    on_screen = min(rate / len(KIOSKS), demo_apps.KIOSK_RATE) if autopilot else 0.0
    boards = () if gui else BOARDS
    desks = {w: s for w, s in DESKS.items() if not (gui and s == demo_apps.STAFF)}
    try:
        # The one way to start a hall server as a process; in a group of its own, like every
        # part, so that Ctrl-C reaches the demo alone and the server stops last.
        hub = HubProcess(demo.config, demo.db, port=port, own_group=True)
        hub.log_path = path / "logs" / "server.log"
        try:
            hub.start(timeout=30)
        except (RuntimeError, TimeoutError) as e:
            raise RuntimeError(f"the hall server did not start ({e})") from e
        assert hub.proc is not None
        procs.running["server"] = hub.proc
        printers = {}
        for kiosk in (*KIOSKS, "window"):
            printers[kiosk] = free_port()
            procs.start(
                f"printer-{kiosk}",
                "-m",
                "onetrip.cli",
                "printer",
                "virtual",
                "--port",
                str(printers[kiosk]),
                "--name",
                kiosk,
                "--out",
                str(path / "receipts"),
            )
        for kiosk in (*KIOSKS, "window"):
            wait_until(lambda p=printers[kiosk]: port_open(p), 30, f"the printer of {kiosk}")
        for board in boards:
            procs.start(board, "-m", "display.autopilot", str(path), url, board)
        groups = [list(desks.items())[i::3] for i in range(3)]
        for i, group in enumerate(groups):
            flags = [f"--desk={w}={s}" for w, s in group]
            procs.start(
                f"windows-{i + 1}",
                "-m",
                "caller.autopilot",
                str(path),
                url,
                *flags,
                f"--speed={args.speed}",
                f"--seed={i + 1}",
            )
        # Each card's holder comes back to one kiosk: to the on-screen one too, with --autopilot.
        shares = len(kiosks) + (1 if autopilot else 0)
        for i, kiosk in enumerate(kiosks):
            procs.start(
                kiosk,
                "-m",
                "kiosk.autopilot",
                str(path),
                url,
                kiosk,
                f"tcp://127.0.0.1:{printers[kiosk]}",
                f"--rate={(rate - on_screen) / len(kiosks)}",
                f"--kiosks={shares}",
                f"--index={i + shares - len(kiosks)}",
                f"--seed={i + 11}",
                f"--mix={mix}",
            )
        print(f"  大厅服务器 hub: {url}   综合屏 board: http://127.0.0.1:{port}/display")
        print(f"  小票 receipts: {path / 'receipts'}   ({args.speed:g}× speed; Ctrl-C stops)")
        print(f"  每小时约{hourly:.0f}人取号 / about {hourly:.0f} arrivals an hour (hall time)")
        if autopilot:
            demo_apps.write_pace(demo, args.speed, on_screen, capacity, shares)
        if gui:
            urls = {k: f"tcp://127.0.0.1:{p}" for k, p in printers.items()}
            start_apps(
                procs,
                demo,
                url,
                urls,
                browser=not args.no_browser,
                offscreen=args.offscreen,
                autopilot=autopilot,
            )
        if not run(demo, procs, args.seconds, watch=demo_apps.APPS if gui else ()):
            procs.stop_all()
            print(_server_gone(procs.dead("server"), path), file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\n  停止中 / stopping …")
    except RuntimeError as e:
        print(f"onetrip demo: {e}; see {path / 'logs'}", file=sys.stderr)
        procs.stop_all()
        return 1
    # An app that ended before the demo did (but the board, which a visitor may close) failed.
    failed = [name for name in (demo_apps.APPS if gui else ()) if procs.dead(name) not in (None, 0)]
    demo.stop()
    failed += procs.wait([*kiosks, "windows-1", "windows-2", "windows-3"], 30)
    demo.stop(STOP_BOARDS)
    failed += procs.wait(list(boards), 15)
    procs.stop_all()
    acked = (*kiosks, demo_apps.KIOSK) if autopilot else kiosks
    return report(demo, args.speed, failed, acked, boards)


def _no_display() -> str | None:
    """Why no app window can open here, or None; asked without loading Qt."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return "QT_QPA_PLATFORM=offscreen：没有屏幕 / no screen"
    if sys.platform in ("win32", "darwin"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "没有可用的显示器（未设置 DISPLAY）/ no display (DISPLAY is not set)"


def start_apps(
    procs: Processes,
    demo: DemoDir,
    url: str,
    printers: dict[str, str],
    browser: bool = True,
    offscreen: bool = False,
    autopilot: bool = False,
) -> None:
    """The real Qt apps, each in its slot of the screen (or offscreen); ``autopilot``: each
    works by itself at the pace in the demo folder."""
    configs = demo_apps.write_configs(demo, url, printers)
    screen = (0, 0, *demo_apps.DESIGN) if offscreen else demo_apps.screen_geometry()
    slots = demo_apps.layout(*screen)
    envs = demo_apps.environments(slots)
    if offscreen:
        for env in envs.values():
            env["QT_QPA_PLATFORM"] = "offscreen"
        browser = False
    voice = demo_apps.audio_output()
    pilot = demo.path if autopilot else None
    for name, argv in demo_apps.commands(configs, voice, slots, autopilot=pilot).items():
        procs.start(name, *argv, env=envs[name])
    pin = demo.pins()[demo_apps.STAFF]
    print(
        f"  窗口{demo_apps.WINDOW}呼叫器：工号 {demo_apps.STAFF}（王丽）密码 {pin} / window "
        f"{demo_apps.WINDOW}'s caller: staff {demo_apps.STAFF}, PIN {pin}"
    )
    if autopilot:
        print(
            "  自动演示：市民在取号机取号，窗口自动叫号办理；触摸取号机即暂停 / autopilot: "
            "citizens use the kiosk, window 3 works by itself; touching the kiosk pauses it"
        )
    if not voice:
        print("  本机没有声音输出：综合屏不播报 / no audio output here: the board is silent")
    print("  关闭综合屏即停止演示 / closing the board stops the demo")
    http = url.replace("ws://", "http://", 1)
    monitor = f"{http}/monitor?device=admin&token={demo.tokens()['admin']}"
    print(f"  网页综合屏 web board: {http}/display   大厅经理 monitor: {monitor}")
    if browser:
        _open_browser([f"{http}/display", monitor])


def _open_browser(urls: list[str]) -> None:
    """The web board and the monitor in the desktop's browser, where there is one (never as
    root on Linux, where browsers refuse to run)."""
    import webbrowser

    if sys.platform.startswith("linux") and os.geteuid() == 0:
        return
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    for url in urls:
        browser.open_new(url)


def _server_gone(code: int | None, path: Path) -> str:
    return (
        f"onetrip demo: 大厅服务器已退出（{code}），演示停止 / the hall server stopped ({code}): "
        f"the demo stops; see {path / 'logs' / 'server.log'}"
    )


def run(
    demo: DemoDir, procs: Processes, seconds: float | None, watch: tuple[str, ...] = ()
) -> bool:
    """Print progress every 10 s until ``seconds`` have passed, Ctrl-C, or the board of the
    ``watch``ed apps is closed; False as soon as the hall server has died, which no part of
    the demo can go on without."""
    start = time.monotonic()
    next_line = start + 10
    while seconds is None or time.monotonic() - start < seconds:
        time.sleep(0.2)
        if procs.dead("server") is not None:
            return False
        if "board" in watch and procs.dead("board") is not None:
            print("  综合屏已关闭，演示停止 / the board was closed: the demo stops")
            return True
        if time.monotonic() >= next_line:
            next_line += 10
            issued, served, waiting = progress(demo)
            print(
                f"  {time.monotonic() - start:5.0f} s: 取号 issued {issued}, "
                f"办结 served {served}, 等候 waiting {waiting}",
                flush=True,
            )
    return True


def progress(demo: DemoDir) -> tuple[int, int, int]:
    with contextlib.closing(sqlite3.connect(f"file:{demo.db}?mode=ro", uri=True)) as db:
        row = db.execute(
            "SELECT count(*), sum(status = 'done'), sum(status = 'waiting') FROM tickets"
        ).fetchone()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def report(
    demo: DemoDir,
    speed: float,
    failed: list[str],
    kiosks: tuple[str, ...] = KIOSKS,
    boards: tuple[str, ...] = BOARDS,
) -> int:
    """Print the summary and return 0 only if the hall behaved."""
    config = load_config(demo.config)
    db = sqlite3.connect(f"file:{demo.db}?mode=ro", uri=True)
    tickets = {
        r[0]: r
        for r in db.execute(
            "SELECT id, status, kind, staff, card, issued_at, first_called_at, finished_at, "
            "started_at FROM tickets"
        )
    }
    problems: list[str] = [f"process {name} failed (see logs/{name}.log)" for name in failed]

    acked = [r["id"] for k in kiosks for r in demo.read(f"issued-{k}.jsonl")]
    lost = [t for t in acked if t not in tickets]
    if lost:
        problems.append(f"{len(lost)} acknowledged tickets are not in the hall: {lost[:3]}")
    if len(set(acked)) != len(acked):
        problems.append("a ticket was acknowledged twice")

    double = double_calls(db)
    if double:
        problems.append(f"{len(double)} tickets were called while another window had them")

    calls = {
        r[0] for r in db.execute("SELECT seq FROM events WHERE type IN ('called', 'recalled')")
    }
    seen = {}
    for board in boards:
        seen[board] = {r["seq"] for r in demo.read(f"calls-{board}.jsonl")}
        if seen[board] != calls:
            missing = len(calls - seen[board])
            problems.append(f"{board} missed {missing} of {len(calls)} calls")

    followups = [t for t in tickets.values() if t[2] == "followup" and t[1] == "done"]
    cards = dict(db.execute("SELECT number, staff FROM cards"))
    same = sum(1 for t in followups if t[3] == cards.get(t[4]))
    backup = sum(
        1 for t in followups if t[3] != cards.get(t[4]) and config.staff[cards[t[4]]].backup == t[3]
    )
    waits = [t[6] - t[5] for t in tickets.values() if t[6] is not None]
    services = [t[7] - t[8] for t in tickets.values() if t[7] is not None and t[8] is not None]
    rated = db.execute(
        "SELECT rating, count(*) FROM tickets WHERE rating IS NOT NULL GROUP BY rating"
    ).fetchall()
    issued_by = dict(db.execute("SELECT issued_by, count(*) FROM tickets GROUP BY issued_by"))
    served_by = dict(
        db.execute(
            "SELECT e.device, count(DISTINCT e.ticket) FROM events e JOIN tickets t "
            "ON t.id = e.ticket WHERE e.type = 'called' AND t.status = 'done' GROUP BY e.device"
        )
    )
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"database integrity: {integrity}")
    db.close()

    status = Counter(t[1] for t in tickets.values())
    mean_wait = sum(waits) / len(waits) if waits else 0.0
    mean_service = sum(services) / len(services) if services else 0.0
    summary = {
        "issued": len(tickets),
        "acknowledged": len(acked),
        "served": status["done"],
        "missed": status["missed"],
        "voided": status["voided"],
        "waiting": status["waiting"],
        "mean_wait_minutes": round(mean_wait * speed / 60, 1),
        "mean_service_minutes": round(mean_service * speed / 60, 1),
        "calls": len(calls),
        "calls_seen": {b: len(s) for b, s in seen.items()},
        "followups_served": len(followups),
        "followups_same_staff": same,
        "followups_backup": backup,
        "ratings": dict(rated),
        "issued_by": issued_by,
        "served_by": served_by,
        "problems": problems,
    }
    print()
    print(
        f"  取号 issued {len(tickets)} (kiosks acknowledged {len(acked)}), "
        f"办结 served {status['done']}, 过号 missed {status['missed']}, "
        f"作废 voided {status['voided']}, 等候 still waiting {status['waiting']}"
    )
    print(
        f"  平均等候 mean wait {summary['mean_wait_minutes']} min, "
        f"平均办理 mean service {summary['mean_service_minutes']} min (hall time)"
    )
    if seen:
        counts = ", ".join(f"{b} {len(s)}" for b, s in seen.items())
        print(f"  叫号 calls {len(calls)}; seen by {counts}")
    else:  # the real boards on screen keep no log of what they showed
        print(f"  叫号 calls {len(calls)} (on the boards on screen, not counted)")
    print(
        f"  续办 follow-ups served {len(followups)}: by the same staff member {same}, "
        f"by the AB backup {backup}"
    )
    print(f"  好差评 ratings {dict(sorted(rated, reverse=True))}")
    (demo.path / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    if problems:
        for problem in problems:
            print(f"  问题 PROBLEM: {problem}")
        return 1
    print(
        "  大厅运行正常 / the hall behaved: no lost ticket, no double call"
        + (", every call on every board" if seen else "")
    )
    return 0


def double_calls(db: sqlite3.Connection) -> list[str]:
    """Tickets the event log calls while they were already called or being served."""
    busy: dict[str, bool] = {}
    double = []
    for kind, payload in db.execute("SELECT type, payload FROM events ORDER BY seq"):
        event = json.loads(payload)
        if kind == "day_opened":
            busy = {}
            continue
        tid = event.get("ticket")
        if not isinstance(tid, str):
            continue
        if kind == "called":
            if busy.get(tid):
                double.append(tid)
            busy[tid] = True
        elif kind not in ("recalled", "started", "rated"):
            busy[tid] = False  # missed, finished, transferred, suspended, cancelled …
    return double
