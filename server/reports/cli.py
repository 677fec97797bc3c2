"""``onetrip report day|month|range``: the figures of a hall database, as a table, CSV, JSON
or an Excel workbook with charts. Read-only: the running server is never held up."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from pathlib import Path

from shared.config import ConfigError, HallConfig, load_config
from shared.texts import t

from . import periods
from .errors import ReportError
from .periods import GROUPINGS

FORMATS = ("table", "csv", "xlsx", "json")


def register(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, required=True, help="the hall database (read only)")
    common.add_argument(
        "--config", type=Path, help="the hall configuration (default: hall.toml beside the db)"
    )
    common.add_argument("--by", choices=GROUPINGS, default="zone", help="group by (default zone)")
    common.add_argument("--format", choices=FORMATS, default="table")
    common.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    common.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")
    common.add_argument("--charts", type=Path, help="also write PNG charts into this folder")
    common.add_argument(
        "--bad-list",
        action="store_true",
        help="with --format csv: the 差评 list (reasons, 整改 state) instead of the figures",
    )
    common.add_argument(
        "--no-cache",
        action="store_true",
        help="read every day from the database (closed days are otherwise kept in a cache)",
    )
    common.add_argument("--today", help=argparse.SUPPRESS)  # tests: the date taken as today

    p = sub.add_parser("report", help="reports: cases, waits, 好差评, 最多跑一次实现率 (Excel too)")
    rsub = p.add_subparsers(dest="report_period", metavar="PERIOD", required=True)
    d = rsub.add_parser("day", parents=[common], help="one hall day")
    d.add_argument("date", nargs="?", default="today", help="2026-11-24, today or yesterday")
    d.set_defaults(func=cmd_report)
    m = rsub.add_parser("month", parents=[common], help="one month")
    m.add_argument("month", nargs="?", default="this", help="2026-11, this or last")
    m.add_argument(
        "--seed-table",
        action="store_true",
        help="the 审批服务情况月报表 (收件数/办结数, 本月/累计, 即办/承诺) instead",
    )
    m.set_defaults(func=cmd_report)
    r = rsub.add_parser("range", parents=[common], help="from one day to another, or a preset")
    r.add_argument("--from", dest="first", help="first day")
    r.add_argument("--to", dest="last", help="last day")
    r.add_argument("--preset", help=", ".join(periods.PRESETS))
    r.set_defaults(func=cmd_report)


def fail(error: ReportError | str) -> int:
    print(f"onetrip report: {error.message() if isinstance(error, ReportError) else error}",
          file=sys.stderr)  # fmt: skip
    return 1


def load(args: argparse.Namespace) -> HallConfig:
    path = args.config or args.db.with_name("hall.toml")
    if not path.is_file():
        raise ReportError("report.no_config", path=str(path))
    return load_config(path)


def period_of(args: argparse.Namespace, today: date) -> tuple[date, date]:
    if args.report_period == "day":
        day = periods.parse_day(args.date, today)
        return day, day
    if args.report_period == "month":
        return periods.parse_month(args.month, today)
    if args.preset:
        return periods.preset(args.preset, today)
    if not args.first or not args.last:
        raise ReportError("report.need_range")
    return periods.parse_day(args.first, today), periods.parse_day(args.last, today)


def cmd_report(args: argparse.Namespace) -> int:
    try:
        config = load(args)
    except ConfigError as e:
        e.report()
        return 1
    except ReportError as e:
        return fail(e)
    try:
        return _report(args, config)
    except ReportError as e:
        return fail(e)


def _report(args: argparse.Namespace, config: HallConfig) -> int:
    # the reading and the figures (NumPy, SQLite) only for a report, not for `onetrip --help`
    from . import source, tables
    from .cache import DayCache
    from .figures import build

    now = time.time()
    today = (
        periods.parse_day(args.today, date.today())
        if args.today
        else datetime.fromtimestamp(now, config.tz).date()
    )
    first, last = periods.checked(*period_of(args, today), today)
    if args.format == "xlsx" and args.out is None:
        raise ReportError("report.xlsx_out")
    conn = source.connect(args.db)
    try:
        if getattr(args, "seed_table", False):
            return _seed(args, config, conn, first, last)
        groupings = GROUPINGS if args.format in ("xlsx", "json") else (args.by,)
        data = source.read_period(
            conn,
            first,
            last,
            config.tz,
            now,
            cache=None if args.no_cache else DayCache.for_db(conn, args.db),
            finishers=bool({"window", "staff"} & set(groupings)),
        )
    finally:
        conn.close()
    if not data.tickets:
        raise ReportError("report.empty", first=first, last=last)
    report = build(data, config, groupings)
    if args.charts:
        from .charts import write_charts

        write_charts(report, config, args.charts, args.lang)
    if args.format == "xlsx":
        from .excel import write_workbook

        write_workbook(report, config, args.out, args.lang)
        print(t("report.wrote", args.lang, path=args.out), file=sys.stderr)
        return 0
    if args.format == "json":
        text = tables.render_json(report, config, args.lang)
    elif args.format == "csv" and args.bad_list:
        text = tables.render_bad_csv(report, config, args.lang)
    elif args.format == "csv":
        text = tables.render_csv(report, config, args.by, args.lang)
    else:
        text = tables.render_table(report, config, args.by, args.lang)
    _emit(args, text)
    return 0


def _seed(args, config, conn, first: date, last: date) -> int:  # type: ignore[no-untyped-def]
    from . import seed

    by = args.by if args.by in ("zone", "window") else "zone"
    month = seed.read_counts(conn, first, last, config.tz, by)
    year = seed.read_counts(conn, *periods.year_to_date(last), config.tz, by)
    if not (month.received or month.finished or year.received or year.finished):
        raise ReportError("report.empty", first=first, last=last)
    header, rows = seed.layout(config, month, year, by, args.lang)
    title = t("report.seed.title", args.lang, year=first.year, month=first.month)
    if args.format == "xlsx":
        from .excel import write_seed_workbook

        write_seed_workbook(title, header, rows, args.out)
        print(t("report.wrote", args.lang, path=args.out), file=sys.stderr)
        return 0
    if args.format == "csv":
        import csv
        import io

        out = io.StringIO()
        out.write("\ufeff")
        csv.writer(out, lineterminator="\n").writerows([*header, *rows])
        text = out.getvalue()
    elif args.format == "json":
        import json

        text = json.dumps({"title": title, "header": header, "rows": rows}, ensure_ascii=False)
        text += "\n"
    else:
        text = seed.render_text(title, header, rows)
    _emit(args, text)
    return 0


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(t("report.wrote", args.lang, path=args.out), file=sys.stderr)
    else:
        sys.stdout.write(text)
