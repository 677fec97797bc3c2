"""The report as an Excel workbook (XlsxWriter): a summary sheet, a sheet per grouping, the
poor ratings, arrivals by hour and the notes; Chinese headers, the header row frozen, number
formats (durations as ``[h]:mm:ss``, correct past 60 minutes; shares as per cent) and native
Excel charts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from shared.config import HallConfig
from shared.texts import t

from .figures import Report
from .tables import BAD_KEYS, COUNT, SECONDS, SHARE, bad_row, group_name, heading, sheet

DAY = 86400.0
FONT = "Microsoft YaHei"


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10}
        self.head = book.add_format(
            {**base, "bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
             "align": "center", "valign": "vcenter"}
        )  # fmt: skip
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.text = book.add_format(base)
        self.count = book.add_format({**base, "num_format": "0"})
        self.duration = book.add_format({**base, "num_format": "[h]:mm:ss"})
        self.share = book.add_format({**base, "num_format": "0.00%"})
        self.total = book.add_format({**base, "bold": True, "top": 1})
        self.when = book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"})
        self.number = book.add_format({**base, "num_format": "0.0"})

    def of(self, kind: str) -> Any:
        return {COUNT: self.count, SECONDS: self.duration, SHARE: self.share}.get(kind, self.text)


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    return value / DAY if kind == SECONDS else value


def _write_row(ws: Worksheet, row: int, values: list[Any], kinds: list[str], f: _Formats) -> None:
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        cell = _cell(kind, value)
        if cell is None:
            ws.write_blank(row, col, None, f.of(kind))
        elif kind == "name":
            ws.write_string(row, col, str(cell), f.text)
        else:
            ws.write_number(row, col, cell, f.of(kind))


def write_workbook(
    report: Report, config: HallConfig, path: Path | BinaryIO, lang: str = "zh_CN"
) -> None:
    """To a file, or into a binary stream (the hub's download)."""
    if isinstance(path, Path | str):
        book = xlsxwriter.Workbook(str(path))
    else:
        book = xlsxwriter.Workbook(path, {"in_memory": True})
    f = _Formats(book)
    summary = book.add_worksheet(t("report.sheet.summary", lang))
    notes: list[str] = []
    sheets = {}
    for grouping in report.groupings:
        s = sheet(report, config, grouping, lang)
        notes += s.notes
        ws = book.add_worksheet(t(f"report.by.{grouping}", lang))
        sheets[grouping] = (ws, s)
        for col, title in enumerate(s.header):
            ws.write_string(0, col, title, f.head)
        for i, row in enumerate(s.rows, start=1):
            _write_row(ws, i, row, s.kinds, f)
        ws.freeze_panes(1, 1)
        ws.set_row(0, 32)
        ws.set_column(0, 0, 28 if grouping == "matter" else 18)
        ws.set_column(1, len(s.header) - 1, 11)
        ws.autofilter(0, 0, len(s.rows) - 1, len(s.header) - 1)
        _wait_chart(book, ws, s, grouping, lang)
    _summary(book, summary, report, config, f, lang)
    _bad(book, report, config, f, lang)
    _hourly(book, report, config, f, lang)
    ws = book.add_worksheet(t("report.sheet.notes", lang))
    ws.set_column(0, 0, 100)
    ws.write_string(0, 0, t("report.unit_note", lang), f.head)
    for i, note in enumerate(notes, start=1):
        ws.write_string(i, 0, note, f.text)
    book.close()


def _summary(
    book: Workbook, ws: Worksheet, report: Report, config: HallConfig, f: _Formats, lang: str
) -> None:
    from .tables import COLUMNS

    ws.write_string(0, 0, heading(report, lang, config), f.title)
    ws.write_string(2, 0, t("report.sheet.summary", lang), f.head)
    ws.write_string(2, 1, t("report.total", lang), f.head)
    ws.freeze_panes(3, 0)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 16)
    row = 3
    for c in COLUMNS:
        ws.write_string(row, 0, t(f"report.col.{c.key}", lang), f.text)
        value = _cell(c.kind, c.value(report, report.total))
        if value is None:
            ws.write_blank(row, 1, None, f.of(c.kind))
        else:
            ws.write_number(row, 1, value, f.of(c.kind))
        row += 1
    # ratings pie, from the rating rows just written
    levels = [f"rating_{n}" for n in (5, 4, 3, 2, 1)]
    keys = [c.key for c in COLUMNS]
    first = 3 + keys.index(levels[0])
    chart = book.add_chart({"type": "pie"})
    chart.add_series(
        {
            "name": t("report.chart.ratings", lang),
            "categories": [ws.name, first, 0, first + 4, 0],
            "values": [ws.name, first, 1, first + 4, 1],
            "data_labels": {"percentage": True, "category": True},
            "points": [{"fill": {"color": c}} for c in
                       ("#1E8449", "#52BE80", "#A9DFBF", "#F5B041", "#C0392B")],
        }
    )  # fmt: skip
    chart.set_title({"name": t("report.chart.ratings", lang), "name_font": {"name": FONT}})
    chart.set_legend({"font": {"name": FONT}})
    ws.insert_chart(2, 3, chart, {"x_scale": 1.2, "y_scale": 1.2})


def _wait_chart(book: Workbook, ws: Worksheet, s: Any, grouping: str, lang: str) -> None:
    """Mean and p90 wait per group (in minutes, as Excel durations scaled to minutes)."""
    n = len(s.rows) - 1  # without the total
    if n <= 0:
        return
    cols = {k: i for i, k in enumerate(s.header)}
    chart = book.add_chart({"type": "column"})
    for key in ("report.col.wait_mean", "report.col.wait_p90"):
        col = cols[t(key, lang)]
        chart.add_series(
            {
                "name": [ws.name, 0, col],
                "categories": [ws.name, 1, 0, n, 0],
                "values": [ws.name, 1, col, n, col],
            }
        )
    chart.set_title(
        {"name": t("report.chart.waits", lang) if grouping == "zone" else s.header[0],
         "name_font": {"name": FONT}}
    )  # fmt: skip
    chart.set_y_axis({"num_format": "[h]:mm", "num_font": {"name": FONT}})
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    ws.insert_chart(len(s.rows) + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.2})


def _bad(book: Workbook, report: Report, config: HallConfig, f: _Formats, lang: str) -> None:
    ws = book.add_worksheet(t("report.sheet.bad", lang))
    for col, key in enumerate(BAD_KEYS):
        ws.write_string(0, col, t(f"report.bad.{key}", lang), f.head)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 17)
    ws.set_column(1, len(BAD_KEYS) - 1, 14)
    ws.set_column(BAD_KEYS.index("reasons"), BAD_KEYS.index("reasons"), 24)
    for i, b in enumerate(report.bad_ratings, start=1):
        when = datetime.fromtimestamp(b["at"], config.tz).replace(tzinfo=None)
        ws.write_datetime(i, 0, when, f.when)
        for col, text in enumerate(bad_row(b, config, lang)[1:], start=1):
            ws.write_string(i, col, text, f.text)


def _hourly(book: Workbook, report: Report, config: HallConfig, f: _Formats, lang: str) -> None:
    ws = book.add_worksheet(t("report.sheet.hourly", lang))
    keys = ("weekday", "hour", "zone", "arrivals", "days", "per_day", "wait_mean")
    for col, key in enumerate(keys):
        ws.write_string(0, col, t(f"report.hourly.{key}", lang), f.head)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 6, 13)
    for i, h in enumerate(report.hourly, start=1):
        ws.write_string(i, 0, t(f"report.weekday.{h['weekday']}", lang), f.text)
        ws.write_string(i, 1, f"{h['hour']:02d}:00", f.text)
        ws.write_string(i, 2, group_name(config, "zone", h["zone"], lang), f.text)
        ws.write_number(i, 3, h["arrivals"], f.count)
        ws.write_number(i, 4, h["days"], f.count)
        ws.write_number(i, 5, h["per_day"], f.number)
        if h["wait_mean"] is None:
            ws.write_blank(i, 6, None, f.number)
        else:
            ws.write_number(i, 6, h["wait_mean"] / 60, f.number)
    # arrivals per hour over all zones and weekdays: a small table beside, and its chart
    per_hour: dict[int, float] = {}
    for h in report.hourly:
        per_hour[h["hour"]] = per_hour.get(h["hour"], 0) + h["arrivals"]
    ws.write_string(0, 9, t("report.hourly.hour", lang), f.head)
    ws.write_string(0, 10, t("report.hourly.arrivals", lang), f.head)
    hours = sorted(per_hour)
    for i, hour in enumerate(hours, start=1):
        ws.write_string(i, 9, f"{hour:02d}:00", f.text)
        ws.write_number(i, 10, per_hour[hour], f.count)
    if hours:
        chart = book.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": t("report.chart.arrivals", lang),
                "categories": [ws.name, 1, 9, len(hours), 9],
                "values": [ws.name, 1, 10, len(hours), 10],
            }
        )
        chart.set_title({"name": t("report.hourly.title", lang), "name_font": {"name": FONT}})
        chart.set_legend({"none": True})
        ws.insert_chart(1, 12, chart, {"x_scale": 1.5, "y_scale": 1.2})


def write_seed_workbook(
    title: str, header: list[list[str]], rows: list[list[Any]], path: Path
) -> None:
    """The 月报表 with its three header rows merged as the bulletin prints them."""
    book = xlsxwriter.Workbook(str(path))
    f = _Formats(book)
    ws = book.add_worksheet("月报表")
    ws.merge_range(0, 0, 0, 12, title, f.title)
    top, middle, bottom = header
    ws.merge_range(1, 0, 3, 0, top[0], f.head)
    ws.merge_range(1, 1, 1, 6, top[1], f.head)
    ws.merge_range(1, 7, 1, 12, top[7], f.head)
    for start in (1, 4, 7, 10):
        ws.merge_range(2, start, 2, start + 2, middle[start], f.head)
    for col in range(1, 13):
        ws.write_string(3, col, bottom[col], f.head)
    for i, row in enumerate(rows, start=4):
        style = f.total if i == 3 + len(rows) else f.text
        ws.write_string(i, 0, str(row[0]), style)
        for col, value in enumerate(row[1:], start=1):
            if value == "":
                ws.write_blank(i, col, None, style)
            else:
                ws.write_number(i, col, value, f.count)
    ws.freeze_panes(4, 1)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 12, 8)
    book.close()
