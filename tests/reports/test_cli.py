"""``onetrip report``: every output format of the hand-built day, the monthly table, the
workbook read back with openpyxl, the charts, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from onetrip.cli import main
from server.hall import Hall
from shared import commands as c

TODAY = "2026-11-30"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args, "--today", TODAY])
    out, err = capsys.readouterr()
    return code, out, err


def test_day_table(day_db, capsys):
    db, _ = day_db
    code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(db))
    assert code == 0
    assert "余姚市行政服务中心" in out and "商事登记" in out and "公积金" in out
    line = next(x for x in out.splitlines() if x.startswith("最长等候"))
    assert line.split()[-1] == "85.0"  # minutes: past an hour, not cut at 60
    assert "A002  非常不满意  2号窗口  李娜 (s003)" in out  # the 差评 list


def test_csv_and_json_agree(day_db, capsys):
    db, _ = day_db
    code, out, _ = run(
        capsys, "day", "2026-11-24", "--db", str(db), "--by", "staff", "--format", "csv"
    )
    assert code == 0 and out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    total = rows[-1]
    assert total["工作人员"] == "合计" and total["最长等候（分钟）"] == "85.0"
    assert total["满意率"] == "0.75" and total["最多跑一次实现率"] == "0.75"
    nobody = next(r for r in rows if r["工作人员"] == "（未叫号）")
    assert nobody["评价率"] == "" and nobody["满意率"] == ""  # nothing to divide: empty cells
    backup = next(r for r in rows if r["工作人员"].startswith("陈建国"))
    assert backup["续办"] == "1" and backup["空闲时长（分钟）"] == "105.0"
    code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(db), "--format", "json")
    data = json.loads(out)
    assert data["total"]["wait_max"] == 5100 and data["total"]["issued"] == 8
    assert {g["key"] for g in data["groups"]["zone"]} == {"shangshi", "gongjijin"}
    assert [b["label"] for b in data["bad_ratings"]] == ["A002"]


def test_notes_for_groups_without_ratings(day_db, capsys):
    db, _ = day_db
    code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(db), "--by", "window")
    assert code == 0
    assert "* （未叫号）：无评价，评价率、满意率留空" in out


def test_presets_and_ranges(day_db, capsys):
    db, _ = day_db
    code, out, _ = run(
        capsys, "range", "--preset", "last-week", "--db", str(db), "--format", "json"
    )
    assert code == 0 and json.loads(out)["first"] == "2026-11-23"
    code, out, _ = run(
        capsys, "range", "--from", "2026-11-24", "--to", "2026-11-25", "--db", str(db),
        "--format", "json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["total"]["cases_done"] == 5
    code, out, _ = run(
        capsys, "month", "2026-11", "--db", str(db), "--out", str(db.with_name("m.txt"))
    )
    assert code == 0 and "商事登记" in db.with_name("m.txt").read_text(encoding="utf-8")


def test_seed_table(day_db, capsys):
    db, _ = day_db
    code, out, _ = run(
        capsys, "month", "2026-11", "--db", str(db), "--seed-table", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "2026年11月审批服务情况月报表"
    assert data["header"][0][:2] == ["服务区", "收件数"] and data["header"][2][1:4] == [
        "合计",
        "即办",
        "承诺",
    ]
    rows = {r[0]: r[1:] for r in data["rows"]}
    # received: A001, A002, A004, A008 done on the first visit, A003 needed a second one;
    # finished in November: the same five (A008's case at 00:10 on the 25th)
    assert rows["商事登记"] == [5, 4, 1, 5, 4, 1, 5, 4, 1, 5, 4, 1]
    assert rows["公安"] == [""] * 12  # a department with nothing stays blank, as printed
    assert rows["合计"] == rows["商事登记"]
    code, out, _ = run(capsys, "month", "2026-11", "--db", str(db), "--seed-table")
    assert code == 0 and "即办" in out and "累计" in out


def test_workbook_reads_back(day_db, capsys, tmp_path: Path):
    db, _ = day_db
    out = tmp_path / "day.xlsx"
    code, _, _ = run(
        capsys, "day", "2026-11-24", "--db", str(db), "--format", "xlsx", "--out", str(out)
    )
    assert code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "汇总",
        "服务区",
        "事项",
        "窗口",
        "工作人员",
        "差评明细",
        "分时到达",
        "说明",
    ]
    ws = book["服务区"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["服务区", "取号数", "叫号数", "办结数"]
    assert ws.freeze_panes == "B2"
    col = header.index("最长等候") + 1
    last = ws.max_row
    while ws.cell(last, 1).value != "合计":
        last -= 1
    cell = ws.cell(last, col)
    # openpyxl reads a duration back as a timedelta: 1 h 25 min, not 25 min
    assert cell.number_format == "[h]:mm:ss" and cell.value.total_seconds() == pytest.approx(5100)
    share = ws.cell(last, header.index("满意率") + 1)
    assert share.number_format == "0.00%" and share.value == pytest.approx(0.75)
    staff = book["工作人员"]
    names = [r[0].value for r in staff.iter_rows(min_row=2)]
    rated = [r[header.index("评价率")].value for r in staff.iter_rows(min_row=2)]
    assert rated[names.index("（未叫号）")] is None  # an empty cell, not a division by zero
    bad = book["差评明细"]
    assert [c.value for c in bad[2]][1:4] == ["A002", "20261124-A002", "非常不满意"]
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 5  # waits per grouping, ratings, arrivals: native Excel charts
        xml = z.read("xl/charts/chart1.xml").decode()
        assert "<c:barChart>" in xml or "<c:pieChart>" in xml


def test_seed_workbook(day_db, capsys, tmp_path: Path):
    db, _ = day_db
    out = tmp_path / "seed.xlsx"
    code, _, _ = run(
        capsys, "month", "2026-11", "--db", str(db), "--seed-table", "--format", "xlsx",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "2026年11月审批服务情况月报表"
    assert ws["B2"].value == "收件数" and ws["H2"].value == "办结数"
    assert [ws.cell(4, i).value for i in range(2, 5)] == ["合计", "即办", "承诺"]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "商事登记")
    assert list(row[1:4]) == [5, 4, 1]


def test_charts_are_in_chinese(day_db, capsys, tmp_path: Path):
    from matplotlib.ft2font import FT2Font

    from hardware.fonts import find_cjk_font

    db, _ = day_db
    code, _, _ = run(capsys, "day", "2026-11-24", "--db", str(db), "--charts", str(tmp_path))
    assert code == 0
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["arrivals.png", "ratings.png", "realisation.png", "waits.png"]
    for name in names:
        with Image.open(tmp_path / name) as im:
            assert im.size[0] > 600 and len(im.convert("L").getcolors(65536) or ()) > 10
    font = FT2Font(find_cjk_font())
    assert all(font.get_char_index(ord(ch)) for ch in "各服务区等候时间好差评分布实现率")


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["day", "2026-13-40"], "日期格式不对", "not a date"),
        (["month", "2026-1x"], "月份格式不对", "not a month"),
        (["day", "2027-01-05"], "还没到", "in the future"),
        (["day", "2026-11-10"], "没有任何号票", "no tickets"),
        (["range", "--from", "2026-11-25", "--to", "2026-11-20"], "早于", "before it starts"),
        (["range", "--preset", "next-year"], "没有这个时段", "no such period"),
        (["range", "--from", "2026-11-20"], "需要 --from", "needs --from"),
        (["day", "2026-11-24", "--format", "xlsx"], "格式必须用", "needs --out"),
    ],
)
def test_bad_input(day_db, capsys, args, zh, en):
    db, _ = day_db
    code, out, err = run(capsys, *args, "--db", str(db))
    assert code == 1 and out == ""
    assert zh in err and en in err and err.index(zh) < err.index(en)  # Chinese first


def test_another_schema_or_no_database(day_db, capsys, tmp_path: Path):
    db, _ = day_db
    other = tmp_path / "hall.db"
    shutil.copy(db, other)
    shutil.copy(db.with_name("hall.toml"), tmp_path / "hall.toml")
    shutil.copy(db.with_name("hall.secret"), tmp_path / "hall.secret")
    with sqlite3.connect(other) as conn:
        conn.execute("PRAGMA user_version = 7")
    code, _, err = run(capsys, "day", "2026-11-24", "--db", str(other))
    assert code == 1 and "数据库版本为 7" in err and "schema version 7" in err
    missing = tmp_path / "nothing.db"
    code, _, err = run(capsys, "day", "2026-11-24", "--db", str(missing), "--config",
                       str(tmp_path / "hall.toml"))  # fmt: skip
    assert code == 1 and "找不到数据库文件" in err and "no database file" in err
    assert not missing.exists()  # a read-only command never creates a database
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    code, _, err = run(capsys, "day", "2026-11-24", "--db", str(tmp_path / "junk.db"),
                       "--config", str(tmp_path / "hall.toml"))  # fmt: skip
    assert code == 1 and "不是可读的大厅数据库" in err


def test_reading_never_blocks_the_server(day_db, capsys, tmp_path: Path):
    """A report runs while the server holds a write transaction open, and the server's commit
    goes through while the report reads."""
    db, config = day_db
    live = tmp_path / "hall.db"
    for name in ("hall.toml", "hall.secret"):
        shutil.copy(db.with_name(name), tmp_path / name)
    with sqlite3.connect(db) as src, sqlite3.connect(live) as dst:
        src.backup(dst)
    hall = Hall(config, live)
    try:
        hall.store.conn.execute("BEGIN IMMEDIATE")  # the server mid-commit
        code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(live), "--format", "json")
        assert code == 0 and json.loads(out)["total"]["issued"] == 8
        hall.store.conn.execute("ROLLBACK")
        from server.reports import source

        conn = source.connect(live)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM tickets").fetchone()  # a report's snapshot is open
        hall.handle(c.Issue(zone="gongan"), now=hall.clock())  # and the server still commits
        conn.close()
    finally:
        hall.close()


def test_bad_ratings_show_their_reasons(day_db, capsys, tmp_path: Path):
    """An evaluator that asks why gives the 差评 a ``reasons`` list: every output lists it;
    a 差评 without one has an empty cell."""
    db, _ = day_db
    copy = tmp_path / "hall.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as conn:
        (_,) = conn.execute(
            "UPDATE events SET payload = json_set(payload, '$.reasons', json(?)) "
            "WHERE type = 'rated' AND json_extract(payload, '$.level') = 1 RETURNING seq",
            ('["等候时间太长", "态度不好"]',),
        ).fetchall()
    args = ("day", "2026-11-24", "--db", str(copy), "--config", str(db.with_name("hall.toml")))
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert "原因：等候时间太长、态度不好" in out
    code, out, _ = run(capsys, *args, "--format", "csv", "--bad-list")
    (row,) = list(csv.DictReader(io.StringIO(out[1:])))
    assert (row["号票"], row["评价"], row["差评原因"]) == (
        "A002",
        "非常不满意",
        "等候时间太长、态度不好",
    )
    assert row["整改状态"] == "已超期"
    code, out, _ = run(capsys, *args, "--format", "json")
    (bad,) = json.loads(out)["bad_ratings"]
    assert bad["reasons"] == ["等候时间太长", "态度不好"]
    xlsx = tmp_path / "day.xlsx"
    code, _, _ = run(capsys, *args, "--format", "xlsx", "--out", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx)["差评明细"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("差评原因") + 1).value == "等候时间太长、态度不好"
    # the same 差评 without reasons (an older evaluator): empty, in English too
    code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(db), "--format", "csv",
                       "--bad-list", "--lang", "en")  # fmt: skip
    (row,) = list(csv.DictReader(io.StringIO(out[1:])))
    assert row["Reasons"] == "" and row["Ticket"] == "A002"
    code, out, _ = run(capsys, "day", "2026-11-24", "--db", str(db), "--format", "json")
    assert json.loads(out)["bad_ratings"][0]["reasons"] == []


def test_reasons_given_at_the_evaluator_reach_the_report(tmp_path: Path, capsys):
    """The engine keeps a 差评's reasons in its ``rated`` event; the report lists them."""
    from reportday import hall_files, t

    from server.hall import Origin

    _, config = hall_files(tmp_path)
    hall = Hall(config, tmp_path / "hall.db", synchronous="OFF")
    try:
        admin = Origin("admin")
        hall.handle(c.Login(window=1, staff="s001"), admin, t(9))
        hall.handle(c.Issue(zone="shangshi"), admin, t(9, 1))
        hall.handle(c.CallNext(window=1), admin, t(9, 5))
        hall.handle(c.Finish(window=1), admin, t(9, 20))
        reasons = ("等候时间长", "服务态度不好")
        hall.handle(c.Evaluate(window=1, level=1, reasons=reasons), admin, t(9, 21))
    finally:
        hall.close()
    code, out, err = run(
        capsys, "day", "2026-11-24", "--db", str(tmp_path / "hall.db"), "--format", "json"
    )
    assert code == 0, err
    (bad,) = json.loads(out)["bad_ratings"]
    assert bad["reasons"] == ["等候时间长", "服务态度不好"] and bad["label"] == "A001"
