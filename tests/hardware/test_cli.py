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
