"""``onetrip printer test|status|virtual`` through argparse, against a real virtual printer."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT

from hardware.cli import register


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="onetrip")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.fixture
def virtual_process(tmp_path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "receipts"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "printer", "virtual", "--port", "0",
         "--out", str(out), "--width", "58"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the server says where it listens, then serves
        assert "virtual printer listening on tcp://127.0.0.1:" in line, line
        url = line.split(" on ")[1].split()[0]
        yield url, out
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_printer_test_prints_a_ticket_and_a_card(virtual_process, capsys):
    url, out = virtual_process
    assert run("printer", "test", "--printer", url, "--width", "58") == 0
    assert "号票已打印" in capsys.readouterr().out
    deadline = time.monotonic() + 5
    while len(list(out.glob("*.txt"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    ticket, card = sorted(out.glob("*.txt"))
    assert "服务区：商事登记" in ticket.read_text(encoding="utf-8")
    assert "[二维码 https://hall.example/t/TEST2345]" in ticket.read_text(encoding="utf-8")
    flat = ticket.read_text(encoding="utf-8").replace("\n", "")  # 58 mm lines wrap
    assert "全角标点，。；：！？（）【】《》“”、——镕喆犇" in flat
    assert "业务受理人员：王芳" in card.read_text(encoding="utf-8")
    assert len(list(out.glob("*.png"))) == 2


def test_printer_status_ok_and_json(virtual_process, capsys):
    url, _ = virtual_process
    assert run("printer", "status", "--printer", url) == 0
    assert "打印机正常" in capsys.readouterr().out
    assert run("printer", "status", "--printer", url, "--json") == 0
    state = json.loads(capsys.readouterr().out)
    assert state == {
        "online": True, "paper": "ok", "cover_open": False, "ok": True, "reason": None,
        "message": "打印机正常", "message_en": "Printer ready",
    }  # fmt: skip


def test_printer_virtual_with_a_fault(tmp_path, capsys):
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "printer", "virtual", "--port", "0",
         "--fail", "paper_out"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(" on ")[1].split()[0].rstrip(",")
        assert run("printer", "status", "--printer", url) == 1
        assert "打印机缺纸" in capsys.readouterr().out
        assert run("printer", "test", "--printer", url) == 1
        assert "打印机缺纸" in capsys.readouterr().err
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_bad_url_is_a_clear_error(capsys):
    assert run("printer", "status", "--printer", "lpt1:") == 2
    err = capsys.readouterr().err
    assert "打印机地址无法识别" in err and "Unknown printer address" in err


def test_file_printer_and_replay(tmp_path, capsys):
    dump = tmp_path / "job.bin"
    assert run("printer", "test", "--printer", f"file://{dump}", "--qr", "image") == 0
    out = tmp_path / "out"
    assert run("printer", "virtual", "--replay", str(dump), "--out", str(out)) == 0
    assert "2 receipts" in capsys.readouterr().out
    assert len(list(out.glob("*.png"))) == 2


def test_printer_test_prints_the_halls_own_name_in_its_time_zone(
    virtual_process, capsys, tmp_path, sample_toml
):
    url, out = virtual_process
    hall = tmp_path / "hall.toml"
    text = sample_toml.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"')
    text = text.replace('name = "余姚市行政服务中心"', 'name = "鄞州区行政服务中心"')
    hall.write_text(text, encoding="utf-8")
    (tmp_path / "hall.secret").write_text("x" * 48)
    assert run("printer", "test", "--printer", url, "--config", str(hall)) == 0
    deadline = time.monotonic() + 5
    while len(list(out.glob("*.txt"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    ticket, card = (p.read_text(encoding="utf-8") for p in sorted(out.glob("*.txt")))
    assert "鄞州区行政服务中心" in ticket and "鄞州区行政服务中心" in card
    assert "余姚" not in ticket
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Urumqi"))  # UTC+6: neither the machine's nor the sample's
    assert any(f"{t:%H:%M}" in ticket for t in (now, now - timedelta(minutes=1)))


def test_printer_test_refuses_an_in_process_virtual_printer(capsys):
    assert run("printer", "test", "--printer", "virtual://kiosk-1") == 2
    err = capsys.readouterr().err
    assert "onetrip printer virtual --port 9100 --name kiosk-1" in err
    assert "appears nowhere" in err


def test_a_host_and_port_without_a_scheme_suggests_tcp(capsys):
    assert run("printer", "status", "--printer", "192.168.1.50:9100") == 2
    err = capsys.readouterr().err
    assert "tcp://192.168.1.50:9100" in err and "缺少协议" in err


def test_a_refused_connection_is_said_once_and_names_the_port(capsys, caplog):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run("printer", "test", "--printer", f"tcp://127.0.0.1:{port}") == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err
    assert not [r for r in caplog.records if r.levelno >= 30 and r.name.startswith("hardware")]


def test_python_escpos_caches_its_profiles_in_one_folder(monkeypatch, tmp_path):
    from hardware import connections

    monkeypatch.delenv("ESCPOS_CAPABILITIES_PICKLE_DIR", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    connections._escpos_cache()
    folder = tmp_path / "onetrip" / "escpos"
    assert folder.is_dir() and os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] == str(folder)
    connections._escpos_cache()  # a second printer: the same folder
    assert os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] == str(folder)
