"""The Qt adapter: the hub client on a worker thread, its news delivered as signals to the UI
thread, which never waits."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from qtkit.hubclient import QtHubClient


def make(qtbot, server, files, device, topics=()):
    return QtHubClient(
        server.url,
        device=device,
        token=files.tokens.get(device or ""),
        topics=topics,
        backoff=(0.05, 0.5),
    )


def test_signals_arrive_in_the_ui_thread_and_requests_never_block(qtbot, server, hall_files):
    ui = threading.current_thread()
    display = make(qtbot, server, hall_files, "display-2f", topics=("zone:gongan",))
    kiosk = make(qtbot, server, hall_files, "kiosk-2")
    threads: list[threading.Thread] = []
    display.event.connect(lambda e: threads.append(threading.current_thread()))
    try:
        with qtbot.waitSignal(display.snapshot, timeout=5000) as snap:
            display.start()
        assert "zone:gongan" in snap.args[0]["topics"] and snap.args[1] == "connect"
        with qtbot.waitSignal(kiosk.connection, timeout=5000):
            kiosk.start()
        assert kiosk.is_connected

        with (
            qtbot.waitSignal(kiosk.replied, timeout=5000) as reply,
            qtbot.waitSignal(
                display.event, timeout=5000, check_params_cb=lambda e: e["event"] == "issued"
            ) as pushed,
        ):
            started = time.perf_counter()
            rid = kiosk.request("issue", zone="gongan")
            assert time.perf_counter() - started < 0.05  # handed over, not waited for
        assert reply.args[0] == rid and reply.args[1]["ticket"]["zone"] == "gongan"
        assert pushed.args[0]["ticket"]["label"] == reply.args[1]["ticket"]["label"]
        assert threads and all(t is ui for t in threads)

        with qtbot.waitSignal(kiosk.failed, timeout=5000) as failure:
            rid = kiosk.request("call_next", window=1)  # not a kiosk's op
        assert failure.args[0] == rid and failure.args[1]["code"] == "forbidden"
        assert failure.args[1]["message"]
    finally:
        display.stop()
        kiosk.stop()
