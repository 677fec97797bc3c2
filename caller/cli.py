"""``onetrip caller``: the window's caller bar and its 好差评 screen.

onetrip caller --config caller.toml [--evaluator] [--lang en]
onetrip caller init caller.toml --window 3 [--url ws://…] [--force]
onetrip caller screenshots --out docs/screenshots [--scale 1.5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.config import ConfigError
from shared.texts import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("caller", help="the window's caller bar (呼叫器) and evaluator (好差评)")
    p.add_argument("--config", type=Path, help="the caller's TOML (onetrip caller init writes one)")
    p.add_argument("--evaluator", action="store_true", help="only the 好差评 screen")
    p.add_argument("--windowed", action="store_true", help="the evaluator in a window")
    p.add_argument(
        "--autopilot",
        metavar="DEMO_DIR",
        help="the clerk (and the citizen rating) work by themselves at onetrip demo's pace",
    )
    p.set_defaults(func=cmd_caller)
    more = p.add_subparsers(dest="caller_command", metavar="", required=False)
    init = more.add_parser("init", help="write a commented sample caller.toml")
    init.add_argument("path", type=Path, nargs="?", default=Path("caller.toml"))
    init.add_argument("--window", type=int, default=3)
    init.add_argument("--url", default="ws://127.0.0.1:8765/ws")
    init.add_argument("--force", action="store_true")
    init.set_defaults(func=cmd_init)
    shots = more.add_parser("screenshots", help="save the caller's screens as PNG (offscreen)")
    shots.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    shots.add_argument("--scale", type=float, default=1.0, help="e.g. 1.5 for 150 %% scaling")
    shots.set_defaults(func=cmd_screenshots)


def cmd_init(args: argparse.Namespace) -> int:
    from .config import sample_config

    path: Path = args.path
    if path.exists() and not args.force:
        print(t("caller.config.exists", path=path), file=sys.stderr)
        return 1
    path.write_text(sample_config(args.window, args.url), encoding="utf-8")
    print(t("caller.config.written", path=path))
    return 0


def cmd_screenshots(args: argparse.Namespace) -> int:
    from .screenshots import main

    return main(args.out, args.scale)


def cmd_caller(args: argparse.Namespace) -> int:
    if args.config is None:
        print("onetrip caller: --config CALLER.toml is needed (onetrip caller init writes one)",
              file=sys.stderr)  # fmt: skip
        return 2
    from .config import load_caller_config

    try:
        config = load_caller_config(args.config)
    except ConfigError as e:
        e.report("the caller did not start")
        return 2
    from qtkit.app import no_display

    reason = no_display()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    from qtkit.app import run

    from .app import build

    made = build(config, evaluator_only=args.evaluator)
    if args.autopilot:
        from .autopilot_ui import attach

        pilots = attach(made, args.autopilot, config.window)
        made.app.aboutToQuit.connect(lambda: [p.stop() for p in pilots])
    window = made.bar or made.evaluator
    assert window is not None
    if made.bar is not None and made.evaluator is not None:
        made.evaluator.show()
    if made.bar is not None:
        made.bar.show()
        made.bar.dock()
        return run(made.app, made.bar, on_quit=made.stop)
    return run(made.app, window, fullscreen=not args.windowed, on_quit=made.stop)
