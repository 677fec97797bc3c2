"""Ticket and card bytes, decoded by the virtual printer's parser."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware import escpos_codes as c
from hardware.escpos_parser import Cut, EscPosParser, QrCode, ReceiptDone, TextLine, parse
from hardware.escpos_writer import (
    NO_LINE_START,
    EscPosWriter,
    PrintSettings,
    qr_image,
    raster,
    text_columns,
    wrap,
)
from hardware.layouts import TicketSlip, card_bytes, ticket_bytes


def only_receipt(data: bytes, encoding: str = "gb18030", chinese_default: bool = True):
    receipts = parse(data, encoding, chinese_default)
    assert len(receipts) == 1
    return receipts[0]


def assert_clean(receipt) -> None:
    """Nothing was printed as ``?`` or as an undecodable byte."""
    assert "?" not in receipt.text
    assert "\ufffd" not in receipt.text
    assert receipt.unknown == []


@pytest.mark.parametrize("width", [58, 80])
def test_an_appointment_ticket_prints_its_time_and_matter(ticket, width):
    booked = ticket.issued_at.replace(hour=10, minute=30, second=0)
    slip = dataclasses.replace(ticket, kind="appointment", appointment_at=booked)
    r = only_receipt(ticket_bytes(slip, PrintSettings(width=width)))
    assert_clean(r)
    text = "".join(r.lines)
    wanted = ("办理事项：企业设立登记", "A001", "预约", "预约时间：10:30", "请在预约时间前到达")
    for expected in wanted:
        assert expected in text, (expected, r.lines)
    # called at its time, not in turn: no place in the queue, no estimated wait
    assert "前面还有" not in text and "预计等候" not in text
    english = only_receipt(ticket_bytes(slip, PrintSettings(width=width), lang="en"))
    assert "Appointment at 10:30" in "".join(english.lines)


def test_a_slip_from_the_hubs_ticket_view_keeps_the_appointment():
    from datetime import timedelta, timezone

    cst = timezone(timedelta(hours=8))
    issued = datetime(2026, 11, 22, 9, 0, tzinfo=cst).timestamp()
    view = {
        "label": "B007", "kind": "appointment", "zone_name": "不动产登记",
        "matter_name": "不动产转移登记", "ahead": 0, "wait_minutes": 0, "issued_at": issued,
        "appointment_at": issued + 5400, "status_url": "http://h/t/X",
    }  # fmt: skip
    slip = TicketSlip.from_ticket(view, "余姚市行政服务中心", cst)
    assert slip.appointment_at == datetime(2026, 11, 22, 10, 30, tzinfo=cst)
    assert slip.matter == "不动产转移登记" and slip.number == "B007"
    walk_in = TicketSlip.from_ticket({**view, "kind": "normal", "appointment_at": None}, "h", cst)
    assert walk_in.appointment_at is None and walk_in.kind == "normal"


@pytest.mark.parametrize("width", [58, 80])
def test_ticket_decodes_to_the_expected_chinese(ticket, width):
    data = ticket_bytes(ticket, PrintSettings(width=width))
    r = only_receipt(data)
    assert_clean(r)
    text = "".join(r.lines)  # long lines wrap on 58 mm paper
    for expected in (
        "余姚市行政服务中心",
        "服务区：商事登记",
        "办理事项：企业设立登记",
        "A001",
        "优先",
        "前面还有3人",
        "预计等候约12分钟",
        "取号时间：2026" if width == 58 else "取号时间：2026年11月22日 09:31:05",
        "请携带：身份证、营业执照（原件）。",  # full-width punctuation intact
    ):
        assert expected in text
    assert r.qr_payloads == [ticket.status_url]
    assert r.cut and isinstance(r.ops[-1], Cut)
    assert sum(isinstance(op, Cut) for op in r.ops) == 1
    # the number is the biggest thing on the ticket, enlarged with GS ! (not ESC !)
    number = next(op for op in r.ops if isinstance(op, TextLine) and op.text == "A001")
    assert number.width >= 4 and number.height >= 4
    assert bytes((c.GS, 0x21, ((number.width - 1) << 4) | (number.height - 1))) in data
    # every line fits the paper
    columns = PrintSettings(width=width).columns
    for op in r.ops:
        if isinstance(op, TextLine):
            assert text_columns(op.text) * op.width <= columns, op


def test_chinese_mode_is_switched_on_before_any_text(ticket):
    data = ticket_bytes(ticket)
    assert data.startswith(c.INIT + c.CHINESE_ON)
    # An Epson-style printer that starts in single-byte mode still decodes it right...
    assert "商事登记" in only_receipt(data, chinese_default=False).text
    # ...which it would not without FS &.
    stripped = data.replace(c.CHINESE_ON, b"")
    assert "商事登记" not in parse(stripped, chinese_default=False)[0].text


@pytest.mark.parametrize(
    ("kind", "label"), [("normal", None), ("appointment", "预约"), ("followup", "续办")]
)
def test_ticket_kind_label(ticket, kind, label):
    r = only_receipt(ticket_bytes(dataclasses.replace(ticket, kind=kind)))
    labels = {"优先", "预约", "续办"}
    shown = {line.strip() for line in r.lines} & labels
    assert shown == ({label} if label else set())


def test_ticket_without_matter_or_wait(ticket):
    slip = dataclasses.replace(ticket, matter=None, wait_minutes=None, tips=())
    r = only_receipt(ticket_bytes(slip, PrintSettings(width=58)))
    assert "办理事项" not in r.text
    assert "预计等候" not in r.text
    assert "前面还有3人" in r.text


@pytest.mark.parametrize("width", [58, 80])
def test_card_decodes_to_the_expected_chinese(card, width):
    r = only_receipt(card_bytes(card, PrintSettings(width=width)))
    assert_clean(r)
    text = "".join(r.lines)
    for expected in (
        "最多跑一次续办服务卡",
        "业务受理人员：王芳",
        "受理窗口：3号窗口",
        "联系电话：0574-62712345",
        "办理事项：企业设立登记",
        "温馨提示：",
        "下次请带齐股东会决议原件。",
        "卡号：XB20261122-0007",
        "有效期至：2026年12月22日",
    ):
        assert expected in text
    assert r.qr_payloads == [card.code]
    assert r.cut and isinstance(r.ops[-1], Cut)


@pytest.mark.parametrize("width", [58, 80])
def test_qr_as_image_is_the_payloads_bitmap(ticket, card, width):
    s = PrintSettings(width=width, qr="image")
    for data, payload in (
        (ticket_bytes(ticket, s), ticket.status_url),
        (card_bytes(card, s), card.code),
    ):
        r = only_receipt(data)
        assert r.qr_payloads == []  # nothing native
        expected = {raster(qr_image(payload, m, s.dots))[8:] for m in range(3, 8)}
        assert [img for img in r.images if img.data in expected], "QR bitmap not found"
        assert r.cut


@pytest.mark.parametrize(
    ("encoding", "charset", "rare"),
    [
        ("gbk", None, "𠀀"),  # CJK Ext-B: not in GBK at all
        ("gb18030", "gb2312", "犇"),  # in GB18030, but not in a GB2312-only printer font
        ("gb18030", "gb2312", "镕"),
        ("utf-8", "gbk", "𠀀"),
    ],
)
def test_unprintable_character_becomes_an_image_not_a_question_mark(
    ticket, encoding, charset, rare
):
    matter = f"{rare}字号名称登记"
    slip = dataclasses.replace(ticket, matter=matter)
    data = ticket_bytes(slip, PrintSettings(encoding=encoding, charset=charset))
    r = only_receipt(data, encoding=encoding)
    assert_clean(r)
    assert rare.encode("gb18030") not in data
    assert matter not in r.text  # that line went out as a picture...
    assert "服务区：商事登记" in r.text  # ...the rest is text
    (img,) = r.images
    assert img.width == PrintSettings().dots and img.height == 24
    assert img.black_dots() > 100


def test_printable_rare_character_stays_text(ticket):
    slip = dataclasses.replace(ticket, matter="犇𠀀字号名称登记")
    r = only_receipt(ticket_bytes(slip, PrintSettings(encoding="gb18030")))
    assert "办理事项：犇𠀀字号名称登记" in r.text
    assert r.images == []


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8"])
def test_each_encoding_round_trips(ticket, card, encoding):
    s = PrintSettings(encoding=encoding)
    for data in (ticket_bytes(ticket, s), card_bytes(card, s)):
        r = only_receipt(data, encoding="gb18030")  # utf-8 is switched on by FS ( C
        assert_clean(r)
        assert "商事登记" in r.text


def test_long_texts_wrap_to_the_paper(ticket):
    matter = "关于个体工商户名称变更及经营范围调整等多项事项的一次性联办登记业务"
    tip = "温馨提示：请提前准备好身份证原件、营业执照正副本、租赁合同复印件以及委托书，谢谢配合！"
    slip = dataclasses.replace(ticket, matter=matter, tips=(tip,))
    r = only_receipt(ticket_bytes(slip, PrintSettings(width=58)))
    joined = "".join(r.lines)
    assert matter in joined and tip in joined
    for op in r.ops:
        if isinstance(op, TextLine):
            assert text_columns(op.text) * op.width <= 32


def test_wrapping_never_starts_a_line_with_closing_punctuation():
    lines = wrap("请携带：身份证、营业执照（原件）。请携带：身份证、营业执照（原件）。", 30)
    assert "".join(lines) == "请携带：身份证、营业执照（原件）。请携带：身份证、营业执照（原件）。"
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert all(text_columns(line) <= 30 for line in lines)


def test_parser_takes_the_stream_in_any_chunks(ticket, card):
    data = ticket_bytes(ticket) + card_bytes(card)
    whole = parse(data)
    parser = EscPosParser()
    pieces = []
    for i in range(0, len(data), 7):
        pieces += [e.receipt for e in parser.feed(data[i : i + 7]) if isinstance(e, ReceiptDone)]
    assert parser.finish() is None
    assert [r.ops for r in pieces] == [r.ops for r in whole]
    assert len(whole) == 2


def test_parser_reports_status_requests_in_the_middle_of_text():
    parser = EscPosParser()
    events = parser.feed(b"\x1c&\xc4\xe3" + c.dle_eot(1) + b"\xba\xc3\n" + c.dle_eot(4))
    assert [(e.kind, e.n) for e in events] == [("dle_eot", 1), ("dle_eot", 4)]
    assert parser.receipt.lines == ["你好"]


def test_writer_native_qr_bytes_are_gs_k(ticket):
    w = EscPosWriter(PrintSettings()).init().align("center").qr("HELLO", 6)
    data = w.getvalue()
    assert b"\x1d(k\x08\x001P0HELLO" in data
    assert b"\x1d(k\x03\x001Q0" in data
    (op,) = [op for op in parse(data)[0].ops if isinstance(op, QrCode)]
    assert (op.payload, op.module, op.ecc, op.align) == ("HELLO", 6, "M", "center")


GB2312_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(
    lambda ch: len(ch.encode("gb2312", "ignore")) == 2
)
PUNCT = st.sampled_from(list("，。、；：！？（）【】《》“”—…·ＡＢ１２３ abc123-/"))


@settings(max_examples=40, deadline=None)
@given(st.text(st.one_of(GB2312_HANZI, PUNCT), min_size=1, max_size=40))
def test_any_gb2312_text_and_punctuation_prints_as_text(matter):
    matter = matter.strip() or "事项"
    slip = TicketSlip(
        "余姚市行政服务中心", "商事登记", matter, "A001", "normal", 0, None,
        datetime(2026, 11, 22, 9, 0, tzinfo=UTC), "https://hall.example/t/X", (matter,),
    )  # fmt: skip
    r = only_receipt(ticket_bytes(slip, PrintSettings(width=58)))
    assert "\ufffd" not in r.text
    assert r.images == []
    assert matter.replace(" ", "") in "".join(r.lines).replace(" ", "")
