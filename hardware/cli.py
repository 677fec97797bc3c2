"""``onetrip printer ...``: test a printer, read its status, or run a virtual one;
``onetrip bridge --config BRIDGE.toml``: connect a serial bus of keypads, evaluators and LED
strips to the hall hub.

``register(subparsers)`` adds the ``printer`` group and ``bridge`` to the main ``onetrip``
command; every handler is ``func(args) -> int``. ``python -m hardware.cli printer ...`` works on
its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from shared import eventloop
from shared.texts import t

from .connections import PrinterUrlError
from .escpos_writer import CHARSETS, ENCODINGS, BadPrinterSetting
from .layouts import CardSlip, TicketSlip
from .printer import Printer, PrintFailed
from .virtual_printer import (
    FAULTS,
    VirtualPrinter,
    VirtualPrinterServer,
    print_file,
)

log = logging.getLogger(__name__)


SAMPLE_HALL = "余姚市行政服务中心"


def sample_ticket(now: datetime | None = None, hall: str = SAMPLE_HALL) -> TicketSlip:
    return TicketSlip(
        hall=hall,
        zone="商事登记",
        matter="企业设立登记",
        number="A001",
        kind="priority",
        ahead=3,
        wait_minutes=12,
        issued_at=now or datetime.now().astimezone(),
        status_url="https://hall.example/t/TEST2345",
        tips=(t("print.test.sample"), "请携带：身份证、营业执照（原件）。"),
    )


def sample_card(today: date | None = None, hall: str = SAMPLE_HALL) -> CardSlip:
    today = today or date.today()
    return CardSlip(
        hall=hall,
        card_no=f"XB{today:%Y%m%d}-0001",
        staff_name="王芳",
        window="3",
        phone="0574-62712345",
        zone="商事登记",
        matter="企业设立登记",
        tips=("下次请带齐股东会决议原件。", "材料齐全后可电话预约，无需重新叫号。"),
        code=f"OT1.XB{today:%Y%m%d}-0001.TESTCARDSIGNATURE0123456789",
        valid_until=today + timedelta(days=30),
    )


def _printer(args: argparse.Namespace) -> Printer:
    return Printer(
        args.printer,
        width=getattr(args, "width", None),
        encoding=getattr(args, "encoding", None),
        charset=getattr(args, "charset", None),
        qr=getattr(args, "qr", None),
        timeout=args.timeout,
    )


def _config_error(exc: Exception) -> int:
    print(str(exc), file=sys.stderr)
    return 2


def _hall(args: argparse.Namespace) -> tuple[str, datetime]:
    """The hall's name and its time now: from ``--config`` when given, else the sample's."""
    if getattr(args, "config", None) is None:
        return SAMPLE_HALL, datetime.now().astimezone()
    from shared.config import load_config

    config = load_config(args.config)
    return config.name, datetime.now(config.tz)


def cmd_test(args: argparse.Namespace) -> int:
    from shared.config import ConfigError

    if args.printer.lower().startswith("virtual://"):
        name = args.printer.partition("://")[2] or "virtual"
        message = f"{t('print.virtual_elsewhere', 'zh_CN', name=name)}"
        print(f"{message} / {t('print.virtual_elsewhere', 'en', name=name)}", file=sys.stderr)
        return 2
    try:
        hall, now = _hall(args)
    except ConfigError as exc:
        exc.report("the test page was not printed")
        return 2
    try:
        printer = _printer(args)
        printer.print_ticket(sample_ticket(now, hall), args.lang)
        print(f"{printer.url}: ticket printed / 号票已打印")
        st = printer.print_card(sample_card(now.date(), hall), args.lang)
        print(f"{printer.url}: card printed / 续办服务卡已打印")
    except (PrinterUrlError, BadPrinterSetting) as exc:
        return _config_error(exc)
    except PrintFailed as exc:
        print(f"{args.printer}: {exc.message('zh_CN')} / {exc.message('en')}", file=sys.stderr)
        return 1
    print(f"{printer.url}: {st.message('zh_CN')} / {st.message('en')}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    try:
        st = _printer(args).status()
    except (PrinterUrlError, BadPrinterSetting) as exc:
        return _config_error(exc)
    if args.json:
        fields = {
            "online": st.online,
            "paper": st.paper,
            "cover_open": st.cover_open,
            "ok": st.ok,
            "reason": st.reason,
            "message": st.message("zh_CN"),
            "message_en": st.message("en"),
        }
        print(json.dumps(fields, ensure_ascii=False))
    else:
        online = {True: "yes", False: "no", None: "unknown"}[st.online]
        print(f"printer:    {args.printer}")
        print(f"online:     {online}")
        print(f"paper:      {st.paper}")
        print(f"cover open: {'yes' if st.cover_open else 'no'}")
        print(f"state:      {st.message('zh_CN')} / {st.message('en')}")
    return 0 if st.ok else 1


def cmd_virtual(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    printer = VirtualPrinter(
        args.name,
        encoding=args.encoding,
        width=args.width,
        out_dir=args.out,
        fault=args.fail,
        slow_delay=args.slow_delay,
    )
    printer.on_receipt = lambda r: print(
        f"receipt {len(printer.receipts)}: {len(r.lines)} lines, QR {r.qr_payloads or '-'}, "
        f"{'cut' if r.cut else 'no cut'}",
        flush=True,
    )
    if args.replay:
        receipts = print_file(args.replay, printer)
        print(f"{args.replay}: {len(receipts)} receipts", flush=True)
        return 0 if receipts else 1
    try:
        server = VirtualPrinterServer(printer, args.host, args.port)
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    where = f" -> {args.out}" if args.out else ""
    fault = f", fault {args.fail}" if args.fail else ""
    print(f"virtual printer listening on {server.url}{where}{fault}", flush=True)
    if stop is None:
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_bridge(args: argparse.Namespace) -> int:
    import asyncio

    from shared.config import ConfigError

    from .bridge import Bridge
    from .bridge_config import load_bridge_config

    try:
        config = load_bridge_config(args.config)
    except ConfigError as exc:
        exc.report("the bridge did not start")
        return 2
    if args.check:
        kinds = sorted({d.kind for d in config.devices.values()})
        print(
            f"{args.config}: ok: {len(config.devices)} devices ({', '.join(kinds)}) on "
            f"{config.port}, windows {', '.join(map(str, config.windows))}"
        )
        return 0

    async def run() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        eventloop.on_stop_signals(loop, stop.set)
        return await Bridge(config).run(stop)

    return eventloop.run(run())


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``printer test|status|virtual`` and ``bridge`` to an argparse subparsers object."""
    bridge = subparsers.add_parser(
        "bridge", help="connect a serial bus of keypads, evaluators and LED strips to the hub"
    )
    bridge.add_argument("--config", type=Path, required=True, metavar="BRIDGE.toml",
                        help="the bridge's TOML file (hub, serial port, devices)")  # fmt: skip
    bridge.add_argument("--check", action="store_true", help="check the config and exit")
    bridge.set_defaults(func=cmd_bridge)

    group = subparsers.add_parser(
        "printer", help="test a receipt printer, read its status, or run a virtual one"
    )
    sub = group.add_subparsers(dest="printer_command", required=True, metavar="COMMAND")

    def target(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--printer",
            required=True,
            metavar="URL",
            help="tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyS0?baudrate=9600, "
            "win32://NAME, file:///PATH, virtual://NAME",
        )
        p.add_argument("--timeout", type=float, default=None, help="status answer wait, seconds")

    test = sub.add_parser("test", help="print a sample ticket and a sample 续办服务卡")
    target(test)
    test.add_argument("--width", type=int, choices=(58, 80), default=None)
    test.add_argument("--encoding", choices=ENCODINGS, default=None)
    test.add_argument("--charset", choices=CHARSETS, default=None, help="printer font coverage")
    test.add_argument("--qr", choices=("native", "image"), default=None)
    test.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")
    test.add_argument("--config", type=Path, default=None, metavar="HALL.toml",
                      help="print the hall's own name, in its time zone")  # fmt: skip
    test.set_defaults(func=cmd_test)

    status = sub.add_parser("status", help="online, paper, cover")
    target(status)
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.set_defaults(func=cmd_status)

    virtual = sub.add_parser("virtual", help="a virtual ESC/POS printer on a TCP port")
    virtual.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    virtual.add_argument("--host", default="127.0.0.1")
    virtual.add_argument("--out", type=Path, default=None, help="write receipts (.txt, .png) here")
    virtual.add_argument("--fail", choices=FAULTS, default=None)
    virtual.add_argument("--slow-delay", type=float, default=2.0, help="seconds, with --fail slow")
    virtual.add_argument("--width", type=int, choices=(58, 80), default=80)
    virtual.add_argument("--encoding", choices=ENCODINGS, default="gb18030")
    virtual.add_argument("--name", default="virtual", help="prefix of the receipt files")
    virtual.add_argument(
        "--replay", type=Path, default=None, help="print a byte dump (file:// output) and exit"
    )
    virtual.set_defaults(func=cmd_virtual)
    return group


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(prog="onetrip")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
