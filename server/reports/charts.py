"""PNG charts (matplotlib, Agg: no display needed) in Chinese, with the CJK font the printer
uses (``hardware.fonts``): arrivals by hour, waits by zone, ratings, 实现率 by zone."""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from hardware.fonts import find_cjk_font
from shared.config import HallConfig
from shared.texts import t

from .figures import Report
from .tables import group_name, heading

COLOURS = ("#1E8449", "#52BE80", "#A9DFBF", "#F5B041", "#C0392B")


@functools.cache
def _font() -> str:
    """The family name of the CJK font, registered with matplotlib once."""
    path = find_cjk_font()
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _figure(title: str, subtitle: str) -> tuple[plt.Figure, plt.Axes]:
    plt.rcParams["font.family"] = [_font()]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(9, 5), dpi=110)
    fig.suptitle(title, fontsize=15)
    ax.set_title(subtitle, fontsize=9, color="#555")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def arrivals(report: Report, config: HallConfig, path: Path, lang: str = "zh_CN") -> Path:
    fig, ax = _figure(t("report.chart.arrivals", lang), heading(report, lang, config))
    hours = sorted({h["hour"] for h in report.hourly})
    bottom = [0.0] * len(hours)
    for zone in config.zones:
        per = {h["hour"]: 0.0 for h in report.hourly}
        for h in report.hourly:
            if h["zone"] == zone:
                per[h["hour"]] += h["arrivals"]
        days = max(1, sum({h["weekday"]: h["days"] for h in report.hourly}.values()))
        values = [per.get(hour, 0.0) / days for hour in hours]
        if any(values):
            ax.bar(hours, values, bottom=bottom,
                   label=group_name(config, "zone", zone, lang))  # fmt: skip
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    ax.set_xticks(hours, [f"{h:02d}" for h in hours])
    ax.set_xlabel(t("report.chart.hour", lang))
    ax.set_ylabel(t("report.chart.people", lang))
    ax.legend(fontsize=9)
    return _save(fig, path)


def waits(report: Report, config: HallConfig, path: Path, lang: str = "zh_CN") -> Path:
    fig, ax = _figure(t("report.chart.waits", lang), heading(report, lang, config))
    table = report.groups.get("zone", {})
    keys = [k for k in config.zones if k in table and len(table[k].waits)]
    names = [group_name(config, "zone", k, lang) for k in keys]
    x = range(len(keys))
    for offset, part, label in ((-0.2, "mean", "wait_mean"), (0.2, "p90", "wait_p90")):
        values = [getattr(table[k].wait(), part) / 60 for k in keys]
        ax.bar([i + offset for i in x], values, width=0.4, label=t(f"report.col.{label}", lang))
    ax.set_xticks(list(x), names)
    ax.set_ylabel(t("report.chart.minutes", lang))
    ax.axhline(report.service_level / 60, color="#C0392B", linestyle="--", linewidth=1)
    ax.legend(fontsize=9)
    return _save(fig, path)


def ratings(report: Report, config: HallConfig, path: Path, lang: str = "zh_CN") -> Path:
    fig, ax = _figure(t("report.chart.ratings", lang), heading(report, lang, config))
    levels = (5, 4, 3, 2, 1)
    names = [t(f"report.col.rating_{n}", lang) for n in levels]
    values = [report.total.ratings[n] for n in levels]
    bars = ax.bar(names, values, color=COLOURS)
    ax.bar_label(bars, fontsize=9)
    ax.set_ylabel(t("report.chart.count", lang))
    satisfaction = report.total.satisfaction
    if satisfaction is not None:
        ax.text(0.98, 0.95, f"{t('report.col.satisfaction', lang)} {satisfaction * 100:.2f}%",
                transform=ax.transAxes, ha="right", va="top", fontsize=12)  # fmt: skip
    return _save(fig, path)


def realisation(report: Report, config: HallConfig, path: Path, lang: str = "zh_CN") -> Path:
    fig, ax = _figure(t("report.chart.realisation", lang), heading(report, lang, config))
    table = report.groups.get("zone", {})
    keys = [k for k in config.zones if k in table and table[k].cases_done]
    names = [group_name(config, "zone", k, lang) for k in keys]
    values = [(table[k].realisation or 0) * 100 for k in keys]
    bars = ax.barh(names, values, color="#2E86C1")
    ax.bar_label(bars, fmt="%.1f%%", fontsize=9)
    ax.set_xlim(0, 105)
    ax.invert_yaxis()
    return _save(fig, path)


CHARTS = {
    "arrivals": arrivals,
    "waits": waits,
    "ratings": ratings,
    "realisation": realisation,
}


def write_charts(
    report: Report, config: HallConfig, folder: Path, lang: str = "zh_CN"
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [fn(report, config, folder / f"{name}.png", lang) for name, fn in CHARTS.items()]
