"""Screenshots of every kiosk screen, in the standard and the 长辈 mode, in Chinese (and the
home and ticket screens in English and in portrait), against a trial hall: a real server
process and the virtual printer.

    QT_QPA_PLATFORM=offscreen onetrip kiosk screenshots --out docs/screenshots

Each screen is reached by taps, scans and the server's replies, as a citizen reaches it; only
the two passing screens (正在取号, 正在打印) are drawn by setting the flow's screen, since they
last a few milliseconds.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .flow import Screen
from .trial import TrialHall


def write_screenshots(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qtkit.app import start_app

    app = start_app("onetrip-kiosk-screenshots")
    from .app import build_kiosk

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with (
        tempfile.TemporaryDirectory(prefix="onetrip-kiosk-shots-") as tmp,
        TrialHall(Path(tmp)) as hall,
    ):

        def wait(check: Callable[[], bool], timeout: float = 10.0) -> None:
            deadline = time.monotonic() + timeout
            while not check():
                if time.monotonic() > deadline:
                    raise TimeoutError("the kiosk did not reach the screen")
                app.processEvents()
                time.sleep(0.01)

        def shoot(kiosk: object, name: str) -> None:
            window = kiosk.window  # type: ignore[attr-defined]
            window.render()
            app.processEvents()
            path = out / f"kiosk-{name}.png"
            window.grab().save(str(path))
            written.append(path)

        def card(window: int, staff: str) -> str:
            hall.staff(f"caller-{window}", "login", window=window, staff=staff, pin=hall.pin)
            ticket = hall.staff("kiosk-2", "issue", zone="shangshi")["ticket"]
            hall.staff(f"caller-{window}", "call", window=window, ticket=ticket["id"])
            tips = ["下次请带齐股东会决议原件"]
            code = hall.staff(f"caller-{window}", "issue_card", window=window, tips=tips)
            hall.staff(f"caller-{window}", "finish", window=window, case_done=False)
            return str(code["card"]["code"])

        # a few citizens already waiting, and staff at their windows
        for zone in ("shangshi", "shangshi", "budongchan", "budongchan", "budongchan", "gongan"):
            hall.staff("kiosk-2", "issue", zone=zone)
        for window, staff in ((5, "s005"), (11, "s007")):
            hall.staff(f"caller-{window}", "login", window=window, staff=staff, pin=hall.pin)
        codes = {False: card(3, "s003"), True: card(2, "s002")}

        for elderly in (False, True):
            mode = "elderly" if elderly else "standard"
            kiosk = build_kiosk(hall.kiosk_config(), corner_hold=0.2)
            flow, window = kiosk.flow, kiosk.window
            window.setFixedSize(1920, 1080)
            window.show()
            wait(lambda f=flow: f.connected and f.printer is not None and bool(f.catalog.zones))

            def tap(what: str, k: object = kiosk) -> None:
                k.window.tap(what)  # type: ignore[attr-defined]

            def go_home(f: object = flow, k: object = kiosk) -> None:
                k.window.clock = lambda: time.time() + 60  # type: ignore[attr-defined]
                wait(lambda: f.screen is Screen.HOME)  # type: ignore[attr-defined]
                k.window.clock = time.time  # type: ignore[attr-defined]

            if elderly:
                tap("elderly")
            shoot(kiosk, f"home-{mode}")
            tap("zone:shangshi")
            shoot(kiosk, f"matters-{mode}")
            tap("matter:qysl")
            shoot(kiosk, f"priority-{mode}")
            flow.screen = Screen.PRINTING
            shoot(kiosk, f"printing-{mode}")
            flow.screen = Screen.PRIORITY
            tap("priority:none")
            wait(lambda f=flow: f.screen is Screen.TICKET)
            shoot(kiosk, f"ticket-{mode}")
            go_home()
            if elderly:
                tap("elderly")
            tap("card")
            shoot(kiosk, f"card-scan-{mode}")
            window.scan(codes[elderly])
            wait(lambda f=flow: f.screen is Screen.CARD)
            shoot(kiosk, f"card-{mode}")
            go_home()
            if elderly:
                tap("elderly")
            hall.staff("caller-11", "call", window=11, ticket=hall.staff(
                "kiosk-2", "issue", zone="gongan")["ticket"]["id"])  # fmt: skip
            missed = hall.staff("caller-11", "no_show", window=11)["ticket"]
            window.scan(missed["status_url"])
            wait(lambda f=flow: f.screen is Screen.REQUEUE)
            shoot(kiosk, f"requeue-{mode}")
            tap("confirm")
            wait(lambda f=flow: f.screen is Screen.STATUS)
            shoot(kiosk, f"requeued-{mode}")
            go_home()
            if elderly:
                tap("elderly")
            tap("reprint")
            shoot(kiosk, f"reprint-{mode}") if flow.screen is Screen.REPRINT else None
            tap("back")
            window.scan(codes[False])  # the card already used: the refusal in plain words
            wait(lambda f=flow: f.screen is Screen.MESSAGE)
            shoot(kiosk, f"refusal-{mode}")
            go_home()
            hall.printer.printer.set_fault("paper_out")  # type: ignore[union-attr]
            wait(lambda f=flow: f.printer is not None and not f.printer.ok)
            if elderly:
                tap("elderly")
            shoot(kiosk, f"home-paper-out-{mode}")
            hall.printer.printer.set_fault(None)  # type: ignore[union-attr]
            wait(lambda f=flow: f.printer_ok)
            tap("corner")
            shoot(kiosk, f"pin-{mode}")
            tap(f"pin:{hall.pin}")
            shoot(kiosk, f"maintenance-{mode}")
            tap("maint:close")
            kiosk.close()

        # English, and the portrait kiosk
        for name, options in (("en", {"lang": "en"}), ("portrait", {"orientation": "portrait"})):
            kiosk = build_kiosk(hall.kiosk_config(**options))
            flow = kiosk.flow
            size = (1080, 1920) if name == "portrait" else (1920, 1080)
            kiosk.window.setFixedSize(*size)
            kiosk.window.show()
            wait(lambda f=flow: f.connected and f.printer is not None and bool(f.catalog.zones))
            shoot(kiosk, f"home-{name}")
            kiosk.window.tap("zone:gongan")
            kiosk.window.tap("matter:crj")
            kiosk.window.tap("priority:elderly")
            wait(lambda f=flow: f.screen is Screen.TICKET)
            shoot(kiosk, f"ticket-{name}")
            kiosk.close()
        # the screen policy with the printer out of paper
        kiosk = build_kiosk(hall.kiosk_config(when_broken="screen"))
        flow = kiosk.flow
        kiosk.window.setFixedSize(1920, 1080)
        kiosk.window.show()
        hall.printer.printer.set_fault("paper_out")  # type: ignore[union-attr]
        wait(lambda f=flow: f.connected and f.printer is not None and not f.printer.ok)
        shoot(kiosk, "home-screen-policy")
        kiosk.window.tap("zone:shehui")
        kiosk.window.tap("matter:sbjf")
        kiosk.window.tap("priority:none")
        wait(lambda f=flow: f.screen is Screen.TICKET)
        shoot(kiosk, "ticket-photo")
        kiosk.close()
        receipts = sorted((Path(tmp) / "receipts").glob("*.png"))
        if receipts:
            target = out / "kiosk-receipt.png"
            target.write_bytes(receipts[0].read_bytes())
            written.append(target)
    return written
