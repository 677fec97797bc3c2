"""The demo hall's Qt apps on the screen: the kiosk, window 3's caller and its 好差评 screen, the
hall board with the clip voice and window 3's screen, each a process of its own.

The rest of the hall stays simulated (``onetrip.demo``): the second kiosk and the staff at the other
windows. A visitor takes tickets at the kiosk, logs in at window 3's caller as
王丽 (s001, whose AB backup 陈建国 works window 5) and calls, serves, transfers and hands out
续办服务卡 there, and sees and hears every call on the board.

Each app gets its slot of the screen from ``layout`` (a pure function), its place through
``ONETRIP_WINDOW_GEOMETRY`` and, for the kiosk and the board, which are laid out for a whole
1920×1080 screen, a ``QT_SCALE_FACTOR`` that shrinks them into the slot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.sim import DemoDir

KIOSK = "kiosk-1"  # the touch kiosk; kiosk-2 stays simulated
WINDOW = 3  # the caller on screen: a window no simulated desk works
STAFF = "s001"  # who the visitor logs in as at window 3 (backup s002 works window 5)
BOARD = "display-hall"  # the hall board
WINDOW_SCREEN = "display-2f"  # window 3's screen (the sample hall's second display device)
APPS = ("kiosk", "caller", "evaluator", "board", "window-screen")
DESIGN = (1920, 1080)  # what the kiosk and the board are laid out for
KIOSK_RATE = 1 / 8  # citizens a second the on-screen kiosk takes on autopilot, at most: one
# taps through zone, matter and 绿色通道 and takes the ticket in about five seconds


@dataclass(frozen=True)
class Slot:
    x: int
    y: int
    width: int
    height: int
    scale: float = 1.0  # QT_SCALE_FACTOR for an app laid out for DESIGN

    @property
    def geometry(self) -> str:
        """The window's place in the app's own (scaled) pixels, for ONETRIP_WINDOW_GEOMETRY."""
        return ",".join(
            str(round(v / self.scale)) for v in (self.x, self.y, self.width, self.height)
        )


def layout(x: int, y: int, width: int, height: int) -> dict[str, Slot]:
    """Five slots on a screen of ``width``×``height`` at (x, y): the kiosk and the board side by
    side at the top; under the kiosk the caller bar and its evaluator screen, under the board
    the window screen. Nothing overlaps."""
    half_w, top_h = width // 2, height * 3 // 5
    # the kiosk and the board keep their shape: the row is as tall as they are, and the
    # bottom row (the evaluator's five levels need the height) gets the rest
    top_h = min(top_h, round(DESIGN[1] * min(half_w / DESIGN[0], top_h / DESIGN[1])))
    bottom_h = height - top_h

    def scaled(sx: int, sy: int, w: int, h: int) -> Slot:
        scale = min(w / DESIGN[0], h / DESIGN[1])
        w, h = round(DESIGN[0] * scale), round(DESIGN[1] * scale)
        return Slot(sx, sy, w, h, round(scale, 3))

    return {
        "kiosk": scaled(x, y, half_w, top_h),
        "board": scaled(x + half_w, y, width - half_w, top_h),
        "caller": Slot(x, y + top_h, half_w * 9 // 20, bottom_h),
        "evaluator": Slot(x + half_w * 9 // 20, y + top_h, half_w - half_w * 9 // 20, bottom_h),
        "window-screen": Slot(x + half_w, y + top_h, width - half_w, bottom_h),
    }


def screen_geometry() -> tuple[int, int, int, int]:
    """The primary screen's free area, asked of Qt in a process of its own (the demo itself
    never starts Qt); 1920×1080 if that fails."""
    probe = (
        "from PySide6.QtGui import QGuiApplication as A; a = A([]); "
        "g = a.primaryScreen().availableGeometry(); print(g.x(), g.y(), g.width(), g.height())"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=20, check=True
        ).stdout.split()
        x, y, w, h = (int(v) for v in out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return 0, 0, *DESIGN
    return x, y, w, h


def audio_output() -> bool:
    """Whether this machine has a sound server to play the board's voice through."""
    if sys.platform in ("win32", "darwin"):
        return True
    pactl = shutil.which("pactl")
    if pactl is None:
        return False
    try:
        return subprocess.run([pactl, "info"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _private(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)


def write_configs(demo: DemoDir, url: str, printers: dict[str, str]) -> dict[str, Path]:
    """Each app's TOML in the demo folder, with its token in a file beside it."""
    from caller.config import sample_config as caller_sample
    from display.config import SAMPLE as DISPLAY_SAMPLE
    from kiosk.config import sample_config as kiosk_sample

    tokens = demo.tokens()
    folder = demo.path
    for device in (KIOSK, f"caller-{WINDOW}", BOARD, WINDOW_SCREEN):
        _private(folder / f"{device}.token", tokens[device] + "\n")
    configs = {
        "kiosk": folder / "kiosk.toml",
        "caller": folder / "caller.toml",
        "board": folder / "board.toml",
        "window-screen": folder / "window-screen.toml",
    }
    configs["kiosk"].write_text(
        kiosk_sample(
            url=url,
            device=KIOSK,
            token_file=f"{KIOSK}.token",
            printer=printers[KIOSK],
            hall_config="hall.toml",
        ),
        encoding="utf-8",
    )
    caller = caller_sample(WINDOW, url).replace(
        'printer = ""', f'printer = "{printers["window"]}"', 1
    )
    # The evaluator runs as a process of its own (as on a separate touchscreen), in its slot.
    caller = caller.replace("enabled = true", "enabled = false", 1)
    configs["caller"].write_text(caller, encoding="utf-8")
    board = DISPLAY_SAMPLE.replace('url = "ws://192.168.1.10:8765/ws"', f'url = "{url}"')
    configs["board"].write_text(board, encoding="utf-8")
    screen = board.replace(f'device = "{BOARD}"', f'device = "{WINDOW_SCREEN}"')
    screen = screen.replace(
        f'token_file = "{BOARD}.token"', f'token_file = "{WINDOW_SCREEN}.token"'
    )
    screen = screen.replace('mode = "hall"', 'mode = "window"').replace(
        "# window = 3", f"window = {WINDOW}"
    )
    configs["window-screen"].write_text(_without_voice(screen), encoding="utf-8")
    return configs


def _without_voice(text: str) -> str:
    """A window screen is silent: the hall board speaks for the hall."""
    head, sep, _ = text.partition("\n[voice]")
    return head + "\n" if sep else text


def _size(slot: Slot) -> str:
    """The window's size in its own pixels: a display lays itself out for this, not for the
    whole screen."""
    _, _, width, height = slot.geometry.split(",")
    return f"{width}x{height}"


def write_pace(
    demo: DemoDir, speed: float, rate: float, capacity: dict[str, float], kiosks: int
) -> None:
    """What each app on the screen does on autopilot: the kiosk's arrivals (``rate`` a second,
    the hall's zone mix, its share of the returning 续办服务卡 holders), window 3's clerk and
    the citizens rating there."""
    total = sum(capacity.values()) or 1.0
    mix = {zone: round(share / total, 3) for zone, share in capacity.items()}
    demo.write_pace(
        speed,
        {
            KIOSK: {"rate": rate, "mix": mix, "kiosks": kiosks, "index": 0, "seed": 21},
            f"caller-{WINDOW}": {"staff": STAFF, "seed": 31},
            f"evaluator-{WINDOW}": {"seed": 41},
        },
    )


def commands(
    configs: dict[str, Path],
    voice: bool,
    slots: dict[str, Slot],
    autopilot: Path | None = None,
) -> dict[str, list[str]]:
    """Each app's command line; ``autopilot``: the demo folder whose pace they follow."""
    base = ["-m", "onetrip.cli"]
    pilot = ["--autopilot", str(autopilot)] if autopilot is not None else []
    board = [*base, "display", "--config", str(configs["board"]), "--windowed",
             "--size", _size(slots["board"])]  # fmt: skip
    return {
        "kiosk": [*base, "kiosk", "--config", str(configs["kiosk"]), "--windowed", *pilot],
        "caller": [*base, "caller", "--config", str(configs["caller"]), *pilot],
        "evaluator": [
            *base,
            "caller",
            "--config",
            str(configs["caller"]),
            "--evaluator",
            "--windowed",
            *pilot,
        ],
        "board": board if voice else [*board, "--no-voice"],
        "window-screen": [
            *base,
            "display",
            "--config",
            str(configs["window-screen"]),
            "--windowed",
            "--size",
            _size(slots["window-screen"]),
        ],
    }


def environments(slots: dict[str, Slot]) -> dict[str, dict[str, str]]:
    envs = {}
    for name, slot in slots.items():
        env = {**os.environ, "ONETRIP_WINDOW_GEOMETRY": slot.geometry}
        if slot.scale != 1.0:
            env["QT_SCALE_FACTOR"] = f"{slot.scale:g}"
        envs[name] = env
    return envs
