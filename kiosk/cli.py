"""``onetrip kiosk``: the touch kiosk (取号机).

onetrip kiosk --config kiosk.toml [--windowed]     # fullscreen; --windowed for a desk trial
onetrip kiosk init kiosk.toml [--hall hall.toml] [--device kiosk-1] [--url …] [--printer …]
onetrip kiosk screenshots --out docs/screenshots   # every screen, both modes, offscreen
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tomllib
from pathlib import Path

from shared.texts import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kiosk", help="the touch kiosk (取号机): issue and print tickets")
    p.add_argument(
        "action",
        nargs="?",
        default="run",
        choices=("run", "init", "screenshots"),
        help="run (default), init (write a sample config), screenshots",
    )
    p.add_argument("path", nargs="?", type=Path, help="init: the file to write (kiosk.toml)")
    p.add_argument("--config", type=Path, help="the kiosk's TOML")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument(
        "--autopilot",
        metavar="DEMO_DIR",
        help="citizens take tickets by themselves at the pace onetrip demo set in DEMO_DIR",
    )
    p.add_argument("--hall", type=Path, help="init: the hall config (tokens, matters, hours)")
    p.add_argument("--device", default="kiosk-1", help="init: the device id (kiosk-1)")
    p.add_argument("--url", default="ws://127.0.0.1:8765/ws", help="init: the hall server")
    p.add_argument("--printer", default="tcp://127.0.0.1:9100", help="init: the printer URL")
    p.add_argument("--force", action="store_true", help="init: overwrite an existing file")
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="screenshots: folder")
    p.set_defaults(func=cmd_kiosk)


def cmd_kiosk(args: argparse.Namespace) -> int:
    if args.action == "init":
        return cmd_init(args)
    if args.action == "screenshots":
        from .screenshots import write_screenshots

        for path in write_screenshots(args.out):
            print(path)
        return 0
    return cmd_run(args)


def _say(key: str, **params: object) -> str:
    return f"{t(key, 'zh_CN', **params)} / {t(key, 'en', **params)}"


def cmd_init(args: argparse.Namespace) -> int:
    from shared.security import hash_pin

    from .config import sample_config

    path: Path = args.path or Path("kiosk.toml")
    if path.exists() and not args.force:
        print(_say("kiosk.init.exists", path=path), file=sys.stderr)
        return 1
    token_file = f"{args.device}.token"
    hall = ""
    if args.hall is not None:
        hall = os.path.relpath(args.hall.resolve(), path.resolve().parent)
        creds = args.hall.with_suffix(".credentials.toml")
        if creds.exists():
            tokens = tomllib.loads(creds.read_text(encoding="utf-8")).get("tokens", {})
            if args.device in tokens:
                _write_private(path.parent / token_file, tokens[args.device] + "\n")
    pin = f"{secrets.randbelow(10**6):06d}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        sample_config(
            url=args.url,
            device=args.device,
            token_file=token_file,
            printer=args.printer,
            pin_hash=hash_pin(pin),
            hall_config=hall,
        ),
        encoding="utf-8",
    )
    print(_say("kiosk.init.written", path=path))
    print(f"维护密码 / maintenance PIN: {pin}")
    return 0


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def cmd_run(args: argparse.Namespace) -> int:
    from shared.config import ConfigError

    from .config import load_kiosk_config

    if args.config is None:
        print("onetrip kiosk: --config KIOSK.toml is needed (onetrip kiosk init writes one)",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        config = load_kiosk_config(args.config)
    except ConfigError as e:
        e.report(_say("kiosk.bad_config"))
        return 2
    from qtkit.app import no_display, placement, run, start_app

    reason = no_display()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    from .app import build_kiosk

    app = start_app("onetrip-kiosk", sys.argv[1:])
    kiosk = build_kiosk(config, on_quit=app.quit)
    pilot = None
    if args.autopilot:
        from .autopilot_ui import attach

        pilot = attach(kiosk, args.autopilot)
    width, height = config.size
    if args.windowed and placement() is None:  # a desk trial at the kiosk's own size
        kiosk.window.setFixedSize(width, height)
    try:
        return run(app, kiosk.window, fullscreen=not args.windowed)
    finally:
        if pilot is not None:
            pilot.stop()
        kiosk.close()
