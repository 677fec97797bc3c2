"""The caller's screens as PNG, offscreen, against a real hall server on the sample hall:

    onetrip caller screenshots --out docs/screenshots            # 100 %
    onetrip caller screenshots --out /tmp/shots --scale 1.5      # as at 150 % Windows scaling

writes ``caller-bar.png`` (serving a ticket), ``caller-login.png``, ``caller-panel.png``
(expanded: all actions, the waiting list, my day), ``caller-transfer.png``, ``caller-finish.png``
(办结 with the card's tips: the hall's for the matter, then the window's own),
``caller-evaluator.png`` (the question, with a card's QR), ``caller-evaluator-reasons.png``
(非常不满意 pressed: the hall's reasons, two ticked) and ``caller-evaluator-idle.png``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared import eventloop
from shared.client import HubClient
from shared.sample import write_hall

PIN = "123456"


def start_sample_server(
    folder: Path, *extra: str
) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """``onetrip server`` on the sample hall (open at any hour) in ``folder``: the process,
    its URL and the device tokens."""
    path = folder / "hall.toml"
    creds = write_hall(path, pin=PIN, fast=True, force=True, always_open=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.hub", "--config", str(path), "--db", str(folder / "hall.db"),
         "--host", "127.0.0.1", "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"listening on (ws://\S+)", line)
    if not found:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return proc, found.group(1), creds.tokens


def _issue(url: str, token: str) -> None:
    async def go() -> None:
        async with HubClient(url, device="admin", token=token) as client:
            await client.wait_connected(10)
            await client.request("issue", zone="shangshi", matter="qysl", priority_reason="elderly")
            for matter in ("qybg", "gtgsh", "qysl", "qybg"):
                await client.request("issue", zone="shangshi", matter=matter)
            await client.request("issue", zone="gongjijin", matter="gjjtq")

    eventloop.run(go())


def main(out: Path, scale: float = 1.0) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(scale)
    from PySide6.QtWidgets import QApplication, QWidget

    from qtkit.app import start_app

    from .app import build
    from .config import CallerConfig, EvaluatorConfig

    out.mkdir(parents=True, exist_ok=True)
    app = start_app("onetrip-caller")
    with tempfile.TemporaryDirectory(prefix="onetrip-shots-") as tmp:
        proc, url, tokens = start_sample_server(Path(tmp))
        made = None
        try:
            _issue(url, tokens["admin"])
            config = CallerConfig(
                hub_url=url,
                device="caller-4",
                token=tokens["caller-4"],
                window=4,
                tips={"default": ("请携带本卡及身份证原件",)},  # the window's own
                evaluator=EvaluatorConfig(enabled=True),  # the default 30 s, as shown
            )
            made = build(config, app=app)
            bar, screen = made.bar, made.evaluator
            assert bar is not None and screen is not None

            def until(cond: Callable[[], Any], timeout: float = 10) -> None:
                deadline = time.monotonic() + timeout
                while not cond():
                    if time.monotonic() > deadline:
                        raise TimeoutError("the caller did not get there")
                    QApplication.processEvents()
                    time.sleep(0.01)

            def save(widget: QWidget, name: str) -> None:
                QApplication.processEvents()
                widget.grab().save(str(out / name))
                print(out / name)

            bar.show()
            screen.resize(800, 600)
            screen.show()
            until(lambda: bar.hub.is_connected and bar.model.window is not None)
            bar.adjustSize()
            save(bar, "caller-login.png")
            bar.staff_edit.setText("s001")
            bar.pin_edit.setText(PIN)
            bar.login()
            until(lambda: bar.model.status == "idle" and len(bar.model.waiting) == 6)
            bar.press("call_next")
            until(lambda: bar.model.ticket is not None and not bar.gate.busy)
            bar.press("start")
            until(lambda: bar.model.status == "serving" and not bar.gate.busy)
            bar.model.started_local = time.time() - 7 * 60 - 12  # seven minutes in
            bar.refresh()
            save(screen, "caller-evaluator-idle.png")
            bar.adjustSize()
            save(bar, "caller-bar.png")
            bar.toggle_panel()
            until(lambda: bar._waiting_rid is None)
            bar.refresh()
            save(bar, "caller-panel.png")
            bar.press("transfer")
            until(lambda: bar._hall_rid is None)
            assert bar.dialog is not None
            save(bar.dialog, "caller-transfer.png")
            bar.dialog.reject()
            bar.press("finish")
            finish = bar.dialog
            assert finish is not None
            finish.again_button.click()  # type: ignore[attr-defined]
            finish.adjustSize()
            save(finish, "caller-finish.png")
            finish.issue.click()  # type: ignore[attr-defined]
            until(lambda: screen.state == "asking" and screen.flow.card is not None)
            save(screen, "caller-evaluator.png")
            until(lambda: bool(screen.reason_buttons))
            screen.rate(1)
            for reason in list(screen.reason_buttons)[:2]:
                screen.toggle(reason)
            save(screen, "caller-evaluator-reasons.png")
        finally:
            if made is not None:
                made.stop()
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
