"""The 余姚 bulletin's 审批服务情况月报表: per department (zone) or window, 收件数 and 办结数,
本月 and 累计 (year to date), each 合计 = 即办 + 承诺, with a 合计 row.

- 收件 (received): a case whose first visit was served in the period (the window accepted it);
  即办 when that visit finished the case, 承诺 when it needed more visits.
- 办结 (finished): a case finished in the period; 即办 when it took one visit, 承诺 when more.

Reading is aggregated in SQLite (a year is a few GROUP BY queries, not a million rows in
Python); ``layout`` is pure.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.config import HallConfig
from shared.texts import t

from .source import local_midnight
from .tables import group_name, sort_key

PARTS = ("total", "now", "promised")  # 合计, 即办, 承诺


@dataclass
class Counts:
    received: dict[Any, list[int]] = field(default_factory=dict)  # key -> [即办, 承诺]
    finished: dict[Any, list[int]] = field(default_factory=dict)


def read_counts(conn: sqlite3.Connection, first: date, last: date, tz: ZoneInfo, by: str) -> Counts:
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    key = "c.zone" if by == "zone" else "t.window"
    out = Counts()
    conn.execute("BEGIN")
    try:
        for k, n, now in conn.execute(
            f"SELECT {key}, count(*), sum(c.done_at IS NOT NULL AND c.done_at = t.finished_at) "
            'FROM tickets t JOIN cases c ON c.id = t."case" AND c.id = t.id '
            f"WHERE t.day BETWEEN ? AND ? AND t.status = 'done' GROUP BY {key}",
            (first.isoformat(), last.isoformat()),
        ):
            out.received[k] = [int(now), int(n) - int(now)]
        # visits leave voided tickets out (a follow-up whose print failed is not a trip)
        voided = dict(
            conn.execute(
                "SELECT \"case\", count(*) FROM tickets WHERE status = 'voided' "
                "AND kind = 'followup' GROUP BY \"case\""
            ).fetchall()
        )
        counts: dict[Any, list[int]] = {}
        for k, cid, trips, n in conn.execute(
            f"SELECT {key}, CASE WHEN c.trips > 1 THEN c.id END, c.trips, count(*) "
            "FROM cases c JOIN tickets t ON t.id = CASE WHEN c.trips = 1 THEN c.id "
            "ELSE json_extract(c.tickets, '$[#-1]') END "
            f"WHERE c.done_at >= ? AND c.done_at < ? GROUP BY 1, 2, 3",
            (start, end),
        ):
            once = trips - voided.get(cid, 0) == 1 if cid is not None else True
            got = counts.setdefault(k, [0, 0])
            got[0 if once else 1] += int(n)
        for k, (once, more) in counts.items():
            out.finished[k] = [once, more]
    finally:
        conn.execute("ROLLBACK")
    return out


def layout(
    config: HallConfig, month: Counts, year: Counts, by: str, lang: str = "zh_CN"
) -> tuple[list[list[str]], list[list[Any]]]:
    """Three header rows (as the bulletin prints them) and one row per group, 合计 last.
    Empty cells stay empty, as in the bulletin, rather than 0."""
    keys: set[Any] = set()
    for c in (month, year):
        keys |= c.received.keys() | c.finished.keys()
    if by == "zone":
        keys |= set(config.zones)
    ordered = sorted(keys, key=lambda k: sort_key(config, by, k))
    parts = [t(f"report.seed.{p}", lang) for p in PARTS]
    top = [t("report.seed.group_" + by, lang)]
    top += [t("report.seed.received", lang)] + [""] * 5 + [t("report.seed.finished", lang)]
    top += [""] * 5
    middle = ["", t("report.seed.month", lang), "", "", t("report.seed.ytd", lang)]
    middle += ["", ""]
    middle += [t("report.seed.month", lang), "", "", t("report.seed.ytd", lang), "", ""]
    bottom = [""] + parts * 4
    rows: list[list[Any]] = []
    totals = [0] * 12
    for k in ordered:
        cells: list[Any] = []
        for table in (month.received, year.received, month.finished, year.finished):
            now, promised = table.get(k, [0, 0])
            cells += [now + promised, now, promised]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        rows.append([group_name(config, by, k, lang)] + [v or "" for v in cells])
    rows.append([t("report.seed.sum", lang)] + [v or "" for v in totals])
    return [top, middle, bottom], rows


def render_text(title: str, header: list[list[str]], rows: list[list[Any]]) -> str:
    from .tables import _width

    table = [*header, *rows]
    widths = [max(_width(str(r[i])) for r in table) for i in range(len(table[0]))]
    lines = [title]
    for r in table:
        cells = [str(v) for v in r]
        lines.append(
            "  ".join(
                c + " " * (w - _width(c)) if i == 0 else " " * (w - _width(c)) + c
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    return "\n".join(lines) + "\n"
