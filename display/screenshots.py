"""The display's screenshots, from a real server with a busy sample morning on it.

    QT_QPA_PLATFORM=offscreen onetrip display screenshots --out docs/screenshots

writes ``display-hall-1080p.png`` (1920×1080), ``display-hall-4k.png`` (3840×2160),
``display-hall-portrait.png`` (1080×1920), ``display-window.png`` (a 10" 1280×800 window
screen) and, where Chromium and Selenium are installed, ``display-web.png`` (the web board).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from shared import eventloop

from .sizes import SCREENS, WINDOW_SCREEN
from .stage import Stage, morning

HALL_SIZES = {f"display-hall-{name}.png": size for name, size in SCREENS.items()}


def save_all(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="onetrip-shots-") as tmp, Stage(Path(tmp)) as stage:
        eventloop.run(morning(stage))
        for name, (w, h, inches) in HALL_SIZES.items():
            saved.append(qt_shot(stage, out / name, "hall", w, h, inches))
        w, h, inches = WINDOW_SCREEN
        saved.append(qt_shot(stage, out / "display-window.png", "window", w, h, inches, window=2))
        web = web_shot(stage, out / "display-web.png")
        if web is not None:
            saved.append(web)
    return saved


def qt_shot(
    stage: Stage,
    path: Path,
    mode: str,
    width: int,
    height: int,
    inches: float,
    *,
    window: int | None = None,
) -> Path:
    from PySide6.QtWidgets import QApplication

    from qtkit.app import start_app
    from qtkit.units import Units

    from .app import DisplayApp
    from .config import DisplayConfig

    app = start_app("onetrip-display")
    device = "display-hall" if mode == "hall" else "display-2f"
    config = DisplayConfig(
        hub_url=stage.url, device=device, token=stage.tokens[device], mode=mode, window=window
    )
    display = DisplayApp(config, Units.from_diagonal(inches, width, height))
    display.widget.resize(width, height)
    display.widget.show()
    display.start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        app.processEvents()
        ready = display.model.connected and display.model.seq > 0
        if ready and (mode != "hall" or display.info):
            break
        time.sleep(0.02)
    settle = time.monotonic() + 0.3
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.02)
    display.widget.stop_highlight()
    app.processEvents()
    display.widget.grab().save(str(path))
    display.stop()
    display.widget.close()
    display.widget.deleteLater()
    QApplication.processEvents()
    return path


def web_shot(stage: Stage, path: Path) -> Path | None:
    """The web board in headless Chromium, when it and Selenium are here."""
    try:
        from .browser import chromium
    except ImportError:
        return None
    driver = chromium(1920, 1080)
    if driver is None:
        return None
    try:
        driver.get(stage.http + "/display")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if driver.execute_script("return document.body.dataset.live") == "true":
                break
            time.sleep(0.1)
        time.sleep(2.5)  # the flash of the newest call is over
        driver.save_screenshot(str(path))
    finally:
        driver.quit()
    return path
