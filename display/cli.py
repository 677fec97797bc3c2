"""``onetrip display``: the hall board (综合屏) or a window screen (窗口屏).

onetrip display --config display.toml [--windowed] [--size 1920x1080]
onetrip display init display.toml         # a commented sample
onetrip display screenshots --out docs/screenshots
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.texts import t


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "display", help=f"{t('display.cli.help')} / {t('display.cli.help', 'en')}"
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("run", "init", "screenshots"),
        default="run",
        help="run (default), init PATH: write a sample config, screenshots: save the PNGs",
    )
    p.add_argument("path", nargs="?", type=Path, help="init: the file to write")
    p.add_argument("--config", type=Path, metavar="DISPLAY.toml")
    p.add_argument("--windowed", action="store_true", help="a window, not full screen")
    p.add_argument("--size", default="", metavar="WxH", help="the window's size (a desk trial)")
    p.add_argument("--force", action="store_true", help="init: overwrite")
    p.add_argument("--no-voice", action="store_true", help="silent, whatever [voice] says")
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="screenshots: here")
    p.set_defaults(func=cmd_display)


def cmd_display(args: argparse.Namespace) -> int:
    if args.action == "init":
        return cmd_init(args.path or Path("display.toml"), args.force)
    if args.action == "screenshots":
        from .screenshots import save_all

        for path in save_all(args.out):
            print(path)
        return 0
    if args.config is None:
        print("onetrip display: --config DISPLAY.toml is needed / 需要 --config", file=sys.stderr)
        return 2
    return cmd_run(args)


def cmd_init(path: Path, force: bool) -> int:
    from .config import SAMPLE

    if path.exists() and not force:
        print(t("display.cli.exists", path=path), file=sys.stderr)
        print(t("display.cli.exists", "en", path=path), file=sys.stderr)
        return 2
    path.write_text(SAMPLE, encoding="utf-8")
    print(t("display.cli.written", path=path))
    return 0


def _size(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"onetrip display: --size must be like 1920x1080, not '{text}'") from None
    return w, h


def cmd_run(args: argparse.Namespace) -> int:
    from shared.config import ConfigError

    from .config import load_display_config

    try:
        config = load_display_config(args.config)
    except ConfigError as exc:
        exc.report("the display did not start / 显示屏未启动")
        return 2
    size = _size(args.size)

    from qtkit.app import no_display

    reason = no_display()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    from qtkit.app import run, start_app
    from qtkit.units import units_for_screen

    from .app import DisplayApp
    from .voicehook import make_voice

    app = start_app("onetrip-display")
    units = units_for_screen(dpi=config.dpi, diagonal_inches=config.diagonal_inches, size=size)
    from voice import VoiceUnavailable

    try:
        voice = make_voice(None if args.no_voice else config.voice)
    except VoiceUnavailable as exc:  # e.g. engine = "qt" where no Mandarin voice exists
        print(f"onetrip display: {exc.both()}", file=sys.stderr)
        print(f"  {t('display.cli.no_voice')} / {t('display.cli.no_voice', 'en')}", file=sys.stderr)
        return 2
    display = DisplayApp(config, units, voice=voice)
    if size:
        display.widget.resize(*size)
    display.start()
    return run(app, display.widget, fullscreen=not args.windowed, on_quit=display.stop)
