"""A report as rows of cells: the one layout that the table, CSV, JSON and XLSX outputs share.

Times are kept in seconds here; each output shows them its own way (minutes in text and CSV,
a ``[h]:mm:ss`` duration in Excel, seconds in JSON), always past 60 minutes.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from shared.config import HallConfig
from shared.texts import t

from .figures import Group, Report
from .periods import GROUPINGS

COUNT, SECONDS, SHARE = "count", "seconds", "share"


@dataclass(frozen=True)
class Column:
    key: str  # its header is the text report.col.<key>
    kind: str
    value: Callable[[Report, Group], Any]


def _wait(part: str) -> Callable[[Report, Group], Any]:
    return lambda r, g: getattr(g.wait(), part)


def _service(part: str) -> Callable[[Report, Group], Any]:
    return lambda r, g: getattr(g.service(), part)


def _attr(name: str) -> Callable[[Report, Group], Any]:
    return lambda r, g: getattr(g, name)


def _rating(level: int) -> Callable[[Report, Group], Any]:
    return lambda r, g: g.ratings[level]


COLUMNS: tuple[Column, ...] = (
    *(
        Column(k, COUNT, _attr(k))
        for k in (
            "issued",
            "called",
            "served",
            "no_shows",
            "requeued",
            "transferred_in",
            "transferred_out",
            "suspended",
            "cancelled",
            "voided",
            "expired",
            "open",
            "followups",
        )
    ),
    *(Column(f"wait_{p}", SECONDS, _wait(p)) for p in ("mean", "median", "p90", "max")),
    Column("over_sla", COUNT, lambda r, g: g.over(r.service_level)),
    Column("sla_share", SHARE, lambda r, g: r.over_share(g)),
    *(Column(f"service_{p}", SECONDS, _service(p)) for p in ("mean", "median", "p90", "max")),
    Column("rated", COUNT, _attr("rated")),
    *(Column(f"rating_{n}", COUNT, _rating(n)) for n in (5, 4, 3, 2, 1)),
    Column("rating_rate", SHARE, _attr("rating_rate")),
    Column("satisfaction", SHARE, _attr("satisfaction")),
    Column("bad", COUNT, _attr("bad")),
    Column("logged_in", SECONDS, _attr("logged_in")),
    Column("serving", SECONDS, _attr("serving")),
    Column("paused", SECONDS, _attr("paused")),
    Column("idle", SECONDS, _attr("idle")),
    Column("cases_done", COUNT, _attr("cases_done")),
    Column("cases_one_visit", COUNT, _attr("cases_one_visit")),
    Column("cases_open", COUNT, _attr("cases_open")),
    Column("realisation", SHARE, _attr("realisation")),
)
# Only windows and staff log in: for zones and matters these stay empty, without a note.
PER_PERSON = frozenset({"logged_in", "serving", "paused", "idle"})


def group_name(config: HallConfig, grouping: str, key: Any, lang: str = "zh_CN") -> str:
    if key is None:
        return t("report.none", lang)
    if grouping == "zone":
        zone = config.zones.get(key)
        return (zone.name_en if lang == "en" and zone.name_en else zone.name) if zone else key
    if grouping == "matter":
        zid, mid = key
        zone = config.zones.get(zid)
        matter = zone.matters.get(mid) if zone and mid else None
        head = group_name(config, "zone", zid, lang)
        if matter is None:
            return f"{head} / {t('report.no_matter', lang)}"
        return f"{head} / {matter.name_en if lang == 'en' and matter.name_en else matter.name}"
    if grouping == "window":
        window = config.windows.get(key)
        name = f" {window.name}" if window and window.name else ""
        return t("report.window_name", lang, number=key) + name
    staff = config.staff.get(key)
    return f"{staff.name} ({key})" if staff else str(key)


def sort_key(config: HallConfig, grouping: str, key: Any) -> tuple[Any, ...]:
    """Zones and matters in the configuration's order, windows by number, staff by id."""
    if key is None:
        return (1, "")
    if grouping in ("zone", "matter"):
        zone = key if grouping == "zone" else key[0]
        zones = list(config.zones)
        place = zones.index(zone) if zone in zones else len(zones)
        if grouping == "zone":
            return (0, place, str(zone))
        matters = list(config.zones[zone].matters) if zone in config.zones else []
        mid = key[1]
        return (0, place, matters.index(mid) if mid in matters else len(matters), str(mid))
    return (0, key)


@dataclass
class Sheet:
    """One grouping's rows: the first cell of each row names the group; the total is last."""

    grouping: str
    header: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    notes: list[str]


def sheet(report: Report, config: HallConfig, grouping: str, lang: str = "zh_CN") -> Sheet:
    columns = [c for c in COLUMNS if grouping in ("window", "staff") or c.key not in PER_PERSON]
    header = [t(f"report.by.{grouping}", lang)] + [t(f"report.col.{c.key}", lang) for c in columns]
    rows, notes = [], []
    table = report.groups[grouping]
    for key in sorted(table, key=lambda k: sort_key(config, grouping, k)):
        g = table[key]
        name = group_name(config, grouping, key, lang)
        rows.append([name] + [c.value(report, g) for c in columns])
        if not g.rated:
            notes.append(t("report.note.no_ratings", lang, group=name))
        if not g.cases_done:
            notes.append(t("report.note.no_cases", lang, group=name))
    rows.append([t("report.total", lang)] + [c.value(report, report.total) for c in columns])
    return Sheet(grouping, header, ["name"] + [c.kind for c in columns], rows, notes)


def minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def cell_text(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == SECONDS:
        return minutes(value)
    if kind == SHARE:
        return f"{value * 100:.2f}%"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def heading(report: Report, lang: str, config: HallConfig | None = None) -> str:
    period = (
        report.first.isoformat()
        if report.first == report.last
        else f"{report.first.isoformat()} – {report.last.isoformat()}"
    )
    tz = config.tz if config is not None else None
    made = datetime.fromtimestamp(report.generated_at, tz).strftime("%Y-%m-%d %H:%M")
    return t("report.heading", lang, hall=report.hall, period=period, made=made)


def render_table(report: Report, config: HallConfig, grouping: str, lang: str = "zh_CN") -> str:
    """A plain-text table, columns down the page (one column per group): reads in a terminal
    however many figures there are."""
    s = sheet(report, config, grouping, lang)
    names = [r[0] for r in s.rows]
    lines = [heading(report, lang, config), t("report.unit_note", lang), ""]
    label_w = max(_width(h) for h in s.header)
    widths = [max(_width(n), 8) for n in names]
    lines.append(
        " " * label_w
        + "  "
        + "  ".join(n + " " * (w - _width(n)) for n, w in zip(names, widths, strict=True))
    )
    for i, title in enumerate(s.header[1:], start=1):
        cells = [cell_text(s.kinds[i], r[i]) for r in s.rows]
        lines.append(
            title
            + " " * (label_w - _width(title))
            + "  "
            + "  ".join(" " * (w - _width(c)) + c for c, w in zip(cells, widths, strict=True))
        )
    lines += ["", *(f"* {n}" for n in s.notes)]
    if report.bad_ratings:
        lines += ["", t("report.bad_list", lang)]
        for b in report.bad_ratings:
            lines.append("  " + bad_line(b, config, lang))
    return "\n".join(lines).rstrip() + "\n"


def bad_line(b: dict[str, Any], config: HallConfig, lang: str) -> str:
    when = datetime.fromtimestamp(b["at"], config.tz).strftime("%Y-%m-%d %H:%M")
    return t(
        "report.bad_item",
        lang,
        label=b["label"],
        level=t(f"rating.{b['level']}", lang),
        window=b["window"] if b["window"] is not None else "-",
        staff=group_name(config, "staff", b["staff"], lang),
        at=when,
        deadline=b["deadline"],
        state=t(f"report.rectify.{b['state']}", lang),
    ) + (
        f"  {t('report.bad.reasons_item', lang, reasons=reasons(b, lang))}" if b["reasons"] else ""
    )


def reasons(b: dict[str, Any], lang: str) -> str:
    """The reasons the citizen gave for a 差评, one cell (empty when none were asked)."""
    return t("report.bad.separator", lang).join(b.get("reasons", []))


BAD_KEYS = ("at", "label", "ticket", "level", "zone", "window", "staff", "reasons", "deadline",
            "state", "note")  # fmt: skip


def bad_row(b: dict[str, Any], config: HallConfig, lang: str) -> list[str]:
    """A 差评 as the cells of the lists (CSV and the workbook), in the order of ``BAD_KEYS``."""
    return [
        datetime.fromtimestamp(b["at"], config.tz).strftime("%Y-%m-%d %H:%M"),
        b["label"],
        b["ticket"],
        t(f"rating.{b['level']}", lang),
        group_name(config, "zone", b["zone"], lang),
        group_name(config, "window", b["window"], lang),
        group_name(config, "staff", b["staff"], lang),
        reasons(b, lang),
        b["deadline"],
        t(f"report.rectify.{b['state']}", lang),
        b["note"] or "",
    ]


def render_bad_csv(report: Report, config: HallConfig, lang: str = "zh_CN") -> str:
    """The 差评 list as CSV (UTF-8 with a BOM), with the reasons and the 整改 state."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\n")
    w.writerow([t(f"report.bad.{k}", lang) for k in BAD_KEYS])
    for b in report.bad_ratings:
        w.writerow(bad_row(b, config, lang))
    return out.getvalue()


def render_csv(report: Report, config: HallConfig, grouping: str, lang: str = "zh_CN") -> str:
    """UTF-8 with a BOM (Excel opens it in Chinese); times in minutes, shares as fractions."""
    s = sheet(report, config, grouping, lang)
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            h + (t("report.in_minutes", lang) if k == SECONDS else "")
            for h, k in zip(s.header, s.kinds, strict=True)
        ]
    )
    for row in s.rows:
        w.writerow(
            [
                (
                    ""
                    if v is None
                    else round(v / 60, 2)
                    if k == SECONDS
                    else round(v, 4)
                    if k == SHARE
                    else v
                )
                for v, k in zip(row, s.kinds, strict=True)
            ]
        )
    return out.getvalue()


def to_json(report: Report, config: HallConfig, lang: str = "zh_CN") -> dict[str, Any]:
    """Everything, in seconds and fractions, keyed by the figures' names (docs/reports.md)."""

    def group_json(grouping: str | None, g: Group) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if grouping is not None:
            out["key"] = list(g.key) if isinstance(g.key, tuple) else g.key
            out["name"] = group_name(config, grouping, g.key, lang)
        for c in COLUMNS:
            out[c.key] = c.value(report, g)
        return out

    return {
        "hall": report.hall,
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "generated_at": report.generated_at,
        "service_level_seconds": report.service_level,
        "total": group_json(None, report.total),
        "groups": {
            grouping: [
                group_json(grouping, table[k])
                for k in sorted(table, key=lambda k: sort_key(config, grouping, k))
            ]
            for grouping, table in report.groups.items()
        },
        "bad_ratings": report.bad_ratings,
        "hourly": report.hourly,
    }


def render_json(report: Report, config: HallConfig, lang: str = "zh_CN") -> str:
    """UTF-8 JSON, indented (orjson: a year's 差评 list and groups in well under a second)."""
    return orjson.dumps(to_json(report, config, lang), option=orjson.OPT_INDENT_2).decode() + "\n"


__all__ = ["COLUMNS", "GROUPINGS", "Sheet", "render_csv", "render_json", "render_table", "sheet"]
