"""The Printer API against the virtual printer: over TCP on loopback, a pty, in-process, a file."""

from __future__ import annotations

import socket
import sys
import threading
import time

import pytest
from PIL import Image

from hardware.connections import PrinterUrlError, open_connection, parse_printer_url
from hardware.escpos_parser import Cut
from hardware.escpos_writer import BadPrinterSetting
from hardware.layouts import ticket_bytes
from hardware.printer import Printer, PrintFailed
from hardware.status import query_status
from hardware.virtual_printer import (
    VirtualPrinter,
    VirtualSerialPrinter,
    get_virtual_printer,
    print_file,
    register_virtual_printer,
)


def test_status_ok_and_ticket_and_card_print_over_tcp(virtual_server, ticket, card):
    printer = Printer(virtual_server.url)
    st = printer.status()
    assert (st.ok, st.online, st.paper, st.cover_open, st.error) == (True, True, "ok", False, None)
    printer.print_ticket(ticket)
    printer.print_card(card)
    vp = virtual_server.printer
    assert vp.wait_for(2)
    t_receipt, c_receipt = vp.receipts
    assert "服务区：商事登记" in t_receipt.text
    assert t_receipt.qr_payloads == [ticket.status_url]
    assert "业务受理人员：王芳" in c_receipt.text
    assert c_receipt.qr_payloads == [card.code]
    assert all(isinstance(r.ops[-1], Cut) for r in vp.receipts)
    # each receipt is kept as text and as a picture the width of an 80 mm head (plus margins)
    txts = sorted(vp.out_dir.glob("*.txt"))
    pngs = sorted(vp.out_dir.glob("*.png"))
    assert len(txts) == len(pngs) == 2
    assert "前面还有3人" in txts[0].read_text(encoding="utf-8")
    assert f"[二维码 {card.code}]" in txts[1].read_text(encoding="utf-8")
    with Image.open(pngs[0]) as img:
        assert img.width == 576 + 32 and img.height > 600
        assert img.convert("L").getextrema() == (0, 255)


@pytest.mark.parametrize(
    ("fault", "reason", "message"),
    [
        ("paper_out", "paper_out", "打印机缺纸"),
        ("cover_open", "cover_open", "打印机纸仓盖未关"),
        ("offline", "offline", "打印机无响应（脱机或未连接）"),
        ("slow", "offline", "打印机无响应（脱机或未连接）"),  # answers after the timeout
    ],
)
def test_each_fault_is_seen_and_the_print_fails(virtual_server, ticket, fault, reason, message):
    vp = virtual_server.printer
    vp.set_fault(fault)
    printer = Printer(virtual_server.url, timeout=0.3)
    started = time.monotonic()
    st = printer.status()
    assert not st.ok and st.reason == reason and st.error == message
    if fault == "paper_out":
        assert st.paper == "out"  # never "plenty of paper"
    if fault == "cover_open":
        assert st.cover_open
    with pytest.raises(PrintFailed) as failed:
        printer.print_ticket(ticket)
    assert failed.value.reason == reason
    assert str(failed.value) == message
    assert failed.value.message("en")
    assert time.monotonic() - started < 2.0  # short timeouts, no hanging kiosk
    assert vp.receipts == []


def test_silence_is_offline_not_plenty_of_paper(virtual_server):
    virtual_server.printer.set_fault("offline")
    st = Printer(virtual_server.url, timeout=0.2).status()
    assert (st.online, st.paper, st.reason) == (False, "unknown", "offline")


def test_slow_printer_within_the_timeout_prints(virtual_server, ticket):
    vp = virtual_server.printer
    vp.slow_delay = 0.05
    vp.set_fault("slow")
    Printer(virtual_server.url, timeout=0.5).print_ticket(ticket)
    assert vp.wait_for(1)


def test_near_end_still_prints_and_says_so(virtual_server, ticket):
    virtual_server.printer.set_fault("near_end")
    printer = Printer(virtual_server.url)
    st = printer.print_ticket(ticket)
    assert st.ok and st.paper == "near_end"
    assert st.message() == "打印纸即将用完"
    assert virtual_server.printer.wait_for(1)


def test_paper_out_in_the_middle_of_a_ticket(virtual_server, ticket):
    vp = virtual_server.printer
    data = ticket_bytes(ticket)
    vp.set_fault("paper_out", after_bytes=len(data) // 2)
    with pytest.raises(PrintFailed) as failed:
        Printer(virtual_server.url).print_job(data)
    assert failed.value.reason == "paper_out"
    assert failed.value.status is not None and failed.value.status.paper == "out"
    assert vp.receipts == [] and vp.discarded == 1
    vp.set_fault(None)  # paper loaded again
    Printer(virtual_server.url).print_job(data)
    assert vp.wait_for(1)


def test_nobody_listening_is_a_failed_print(ticket):
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = Printer(f"tcp://127.0.0.1:{port}", io_timeout=1.0)
    assert printer.status().reason == "offline"
    with pytest.raises(PrintFailed) as failed:
        printer.print_ticket(ticket)
    assert failed.value.reason == "connect_failed"
    assert failed.value.message().startswith("无法连接打印机")


def test_printer_that_accepts_but_never_answers(ticket):
    # A hung device: the TCP port accepts, nothing ever comes back.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        printer = Printer(f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=0.2)
        with pytest.raises(PrintFailed) as failed:
            printer.print_ticket(ticket)
    assert failed.value.reason == "offline"


def test_serial_printer_on_a_pty(ticket):
    vp = VirtualPrinter("serial")
    with VirtualSerialPrinter(vp) as sp:
        printer = Printer(sp.url, timeout=0.5)
        assert printer.status().ok
        printer.print_ticket(ticket)
        assert vp.wait_for(1)
        assert vp.receipts[0].qr_payloads == [ticket.status_url]


def test_late_answer_is_not_taken_for_the_next_one():
    # On a connection kept open, a slow printer's late answer waits in the input buffer.
    vp = VirtualPrinter("late", slow_delay=0.3)
    with VirtualSerialPrinter(vp) as sp:
        conn = open_connection(parse_printer_url(sp.url))
        try:
            vp.set_fault("slow")
            assert query_status(conn, timeout=0.1).reason == "offline"
            vp.set_fault("cover_open")
            time.sleep(0.4)  # the stale "online" byte has arrived by now
            assert query_status(conn, timeout=0.5).reason == "cover_open"
        finally:
            conn.close()


def test_virtual_url_in_process(tmp_path, ticket, card):
    vp = register_virtual_printer(VirtualPrinter("kiosk-1", out_dir=tmp_path))
    printer = Printer("virtual://kiosk-1?width=58&qr=image")
    assert printer.settings.width == 58 and printer.settings.qr == "image"
    printer.print_ticket(ticket)
    printer.print_card(card)
    assert get_virtual_printer("kiosk-1") is vp
    assert len(vp.receipts) == 2 and vp.receipts[0].images  # the QR as a picture
    assert len(list(tmp_path.glob("*.png"))) == 2
    vp.set_fault("cover_open")
    with pytest.raises(PrintFailed):
        printer.print_ticket(ticket)


def test_file_printer_and_file_sink(tmp_path, ticket, card):
    dump = tmp_path / "printer.bin"
    printer = Printer(f"file://{dump}")
    st = printer.status()
    assert st.ok and st.online is None  # a file cannot tell; it is not "offline" either
    printer.print_ticket(ticket)
    printer.print_card(card)
    receipts = print_file(dump, VirtualPrinter("sink"))
    assert [r.qr_payloads for r in receipts] == [[ticket.status_url], [card.code]]


def test_loop_url_echo_is_not_a_status(ticket):
    # loop:// sends our own DLE EOT back: not a status byte, so not "online".
    st = Printer("loop://", timeout=0.1).status()
    assert not st.ok and st.online is False


@pytest.mark.parametrize(
    ("url", "scheme", "address", "settings"),
    [
        ("tcp://192.168.1.50:9100", "tcp", "192.168.1.50:9100", {}),
        ("tcp://printer.local", "tcp", "printer.local:9100", {}),
        ("usb://0416:5011?width=58", "usb", "0416:5011", {"width": "58"}),
        ("serial:///dev/ttyS0?baudrate=9600", "serial", "/dev/ttyS0", {}),
        ("serial://COM3?baudrate=19200&encoding=gbk", "serial", "COM3", {"encoding": "gbk"}),
        ("socket://10.0.0.9:4001", "socket", "socket://10.0.0.9:4001", {}),
        ("loop://", "loop", "loop://", {}),
        ("win32://POS-80 Printer", "win32", "POS-80 Printer", {}),
        ("win32://XP-58%20(copy%201)", "win32", "XP-58 (copy 1)", {}),
        ("file:///tmp/out.bin", "file", "/tmp/out.bin", {}),
        ("virtual://demo?qr=image", "virtual", "demo", {"qr": "image"}),
    ],
)
def test_printer_urls(url, scheme, address, settings):
    target = parse_printer_url(url)
    assert (target.scheme, target.address, target.settings) == (scheme, address, settings)


@pytest.mark.parametrize(
    "url", ["", "lpt1", "http://x", "tcp://", "tcp://h:notaport", "usb://xyz", "usb://0416",
            "file://relative", "virtual://", "cups://x"],
)  # fmt: skip
def test_bad_printer_urls_say_so_in_both_languages(url):
    with pytest.raises(PrinterUrlError) as err:
        Printer(url)
    assert "打印机地址无法识别" in str(err.value) and "Unknown printer address" in str(err.value)


def test_bad_settings():
    with pytest.raises(BadPrinterSetting):
        Printer("tcp://h:9100?width=57")
    with pytest.raises(BadPrinterSetting):
        Printer("tcp://h:9100", encoding="big5")


def test_printer_that_stops_reading_mid_job_times_out():
    # Answers the status queries, then takes no more data (a jammed printer with a full buffer).
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def jammed() -> None:
            conn, _ = server.accept()
            with conn:
                for _ in range(3):
                    conn.recv(3)
                    conn.sendall(b"\x12")
                time.sleep(2)

        threading.Thread(target=jammed, daemon=True).start()
        printer = Printer(f"tcp://127.0.0.1:{server.getsockname()[1]}", io_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(PrintFailed) as failed:
            printer.print_job(b"\x1b@" + b"x" * 32_000_000)
        assert failed.value.reason == "timeout"
        assert str(failed.value) == "打印机响应超时"
        assert time.monotonic() - started < 1.5


@pytest.mark.skipif(sys.platform == "win32", reason="no Windows printer queues elsewhere")
@pytest.mark.parametrize(
    "url", ["usb://0416:5011", "serial:///dev/ttyNOSUCHPORT", "win32://POS-80"]
)
def test_devices_that_are_not_there(url, ticket):
    assert Printer(url).status().reason == "offline"
    with pytest.raises(PrintFailed) as failed:
        Printer(url).print_ticket(ticket)
    assert failed.value.reason == "connect_failed"


def test_settle_watches_the_printer_while_it_prints(virtual_server, ticket):
    # The job was accepted, then the roll runs out while the ticket is still coming out.
    vp = virtual_server.printer
    threading.Timer(0.15, vp.set_fault, ("paper_out",)).start()
    with pytest.raises(PrintFailed) as failed:
        Printer(virtual_server.url, settle=0.6).print_ticket(ticket)
    assert failed.value.reason == "paper_out"
