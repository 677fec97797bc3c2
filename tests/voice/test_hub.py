"""The voice on a real hub: a caller's call and recall, pushed by a real ``onetrip server``
process, heard (in a recording sink) through ``QtHubClient`` -> ``QtAnnouncer``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import PIN, HubProcess

from shared.sample import write_hall
from voice.config import VoiceConfig

from .conftest import WallSink, shorten

pytest.importorskip("PySide6.QtMultimedia")

from qtkit.hubclient import QtHubClient
from voice.qtplayer import QtAnnouncer


@pytest.fixture
def hub(tmp_path: Path):
    path = tmp_path / "hall.toml"
    creds = write_hall(path, pin=PIN, fast=True, force=True)
    text = re.sub(r"(?ms)^\[hours\].*?(?=^\[\[zones\]\])", "", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")  # open at any hour the test runs
    proc = HubProcess(path, tmp_path / "hall.db").start()
    yield proc, creds.tokens
    proc.kill()


def client(url: str, tokens: dict[str, str], device: str, topics=()) -> QtHubClient:
    return QtHubClient(url, device=device, token=tokens[device], topics=topics, backoff=(0.05, 0.5))


def ask(qtbot, c: QtHubClient, op: str, **fields) -> dict:
    failed: list[dict] = []
    c.failed.connect(lambda _rid, error: failed.append(error))
    sent: list[str] = []
    with qtbot.waitSignal(c.replied, timeout=5000, check_params_cb=lambda rid, _: rid in sent) as r:
        sent.append(c.request(op, **fields))
    assert not failed, failed
    return r.args[1]


def test_a_call_and_its_recall_are_heard_in_order(qtbot, hub) -> None:
    proc, tokens = hub
    sink = WallSink()
    config = VoiceConfig.from_table({"gap": 0.05})
    voice = QtAnnouncer.from_config(config, sink=sink)
    engine = voice.announcer.engine
    shorten(engine)
    heard: list[tuple[str, str, int]] = []
    voice.started.connect(lambda p: heard.append((p.item.ticket, p.part, p.repeat)))

    board = client(proc.url, tokens, "display-hall", topics=("hall",))
    board.event.connect(voice.on_push)
    kiosk = client(proc.url, tokens, "kiosk-1")
    caller = client(proc.url, tokens, "caller-12")
    try:
        with qtbot.waitSignal(board.snapshot, timeout=10_000):
            board.start()
        for c in (kiosk, caller):
            with qtbot.waitSignal(c.connection, timeout=10_000):
                c.start()
        first = ask(qtbot, kiosk, "issue", zone="gongan")["ticket"]["label"]  # window 12's zone
        ask(qtbot, kiosk, "issue", zone="gongan")
        ask(qtbot, caller, "login", window=12, staff="s002", pin=PIN)
        assert ask(qtbot, caller, "call_next", window=12)["ticket"]["label"] == first
        ask(qtbot, caller, "recall", window=12)
        qtbot.waitUntil(lambda: len(heard) == 6 and not sink.playing, timeout=10_000)
    finally:
        for c in (board, kiosk, caller):
            c.stop()
        voice.close()
    assert heard == [(first, "chime", 0), (first, "speech", 1), (first, "speech", 2)] * 2
    speech = [r.audio for r in sink.played]
    assert speech[1] == engine.clips.render(engine.names(f"请{first}号到12号窗口办理"))
    assert speech[4] == engine.clips.render(engine.names(f"请{first}号再次到12号窗口办理"))
    assert engine.names(f"请{first}号到12号窗口办理")[-5:] == ["十", "二", "号", "窗口", "办理"]
    assert sink.overlaps == 0
