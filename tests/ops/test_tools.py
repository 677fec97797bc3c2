"""The operator's commands speak Chinese first, and the read-only ones never create a file."""

from __future__ import annotations

import re
import sqlite3

import pytest
from ops.opskit import Hall, onetrip

from server.configtext import chinese, issue_line
from shared.security import verify_pin
from shared.tomlreader import ConfigIssue, TomlReader


@pytest.mark.parametrize("command", ["check", "backup"])
def test_db_tools_on_a_missing_file_fail_and_create_nothing(tmp_path, command):
    missing = tmp_path / "backup-2026-12-01.db"
    args = ["db", command, "--db", str(missing)]
    result = onetrip(*args, *([str(tmp_path / "copy.db")] if command == "backup" else []))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"onetrip db {command}: 找不到数据库 {missing} / no database at {missing}"
    )
    assert "integrity: ok" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_db_check_refuses_a_file_that_is_no_hall_database(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = onetrip("db", "check", "--db", str(other))
    assert result.returncode == 1
    assert (
        "不是 onetrip 大厅数据库" in result.stderr
        and "not an onetrip hall database" in result.stderr
    )
    with sqlite3.connect(other) as conn:  # nothing was migrated into it
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    result = onetrip("db", "check", "--db", str(junk))
    assert result.returncode == 1 and "不是 SQLite 数据库" in result.stderr


def test_config_check_suggests_the_key_meant_and_warns_of_the_samples_address(hall: Hall, tmp_path):
    text = hall.config.read_text(encoding="utf-8").replace("recall_limit =", "recal_limit =")
    bad = hall.dir / "typo.toml"
    bad.write_text(text, encoding="utf-8")
    result = onetrip("config", "check", str(bad))
    assert result.returncode == 1
    assert f"{bad}: policy.recal_limit: 未知键，是否为 recall_limit? / " in result.stderr
    assert "1 处错误 / 1 error(s)" in result.stderr

    result = onetrip("config", "check", str(hall.config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{hall.config}：正确 — ")
    assert "警告：" in result.stderr and "hall.public_url" in result.stderr
    assert "every QR code would point there" in result.stderr
    mine = hall.dir / "mine.toml"
    mine.write_text(
        hall.config.read_text(encoding="utf-8").replace(
            "http://192.168.1.10:8765", "https://hall.example.gov.cn"
        ),
        encoding="utf-8",
    )
    result = onetrip("config", "check", str(mine))
    assert result.returncode == 0 and result.stderr == ""


def test_an_unknown_key_without_a_near_one_says_so():
    reader = TomlReader("hall.toml")
    reader.unknown({"colour": 1, "recal_limit": 3}, "policy.", {"recall_limit", "max_wait"})
    assert [str(i) for i in reader.issues] == [
        "hall.toml: policy.colour: unknown key (misspelt?)",
        "hall.toml: policy.recal_limit: unknown key, did you mean recall_limit?",
    ]


# Every reason the readers give, as they give it, and the Chinese said for it.
REASONS = [
    ("missing", "缺少此项"),
    ("must be a whole number, not str", "应为整数，而不是 str"),
    ("must be at least 5", "不能小于 5"),
    ("12 is out of range 1..9", "12 超出范围 1..9"),
    ("must be a table", "应为一个表"),
    ("must be a text", "应为文本"),
    ("must be str", "应为文本"),
    ("at least one is needed", "至少需要一项"),
    ("unknown key, did you mean recall_limit?", "未知键，是否为 recall_limit?"),
    ("unknown key (misspelt?)", "未知键（拼写错误？）"),
    ("use letters, digits, '-' and '_'", "只能使用字母、数字、“-”和“_”"),
    ("cannot read: No such file or directory", "无法读取：No such file or directory"),
    ("unknown time zone 'Mars/Olympus'", "未知时区“Mars/Olympus”"),
    ("no hall secret: set secret_file or $ONETRIP_SECRET", "没有大厅密钥"),
    ("cannot read the secret file /srv/hall.secret", "无法读取密钥文件 /srv/hall.secret"),
    ("the secret is shorter than 32 characters", "密钥少于 32 个字符"),
    ("must be one capital letter A–Z", "应为一个大写字母 A–Z"),
    ("'A' is already used by zone 'shangshi'", "“A”已被区域“shangshi”使用"),
    ("zone 'x' is defined twice", "区域“x”重复定义"),
    ("staff 's001' is defined twice", "工作人员“s001”重复定义"),
    ("matter 'm' is defined twice in zone 'z'", "事项“m”在区域“z”中重复定义"),
    ("window 3 is defined twice", "3 号窗口重复定义"),
    ("no such zone", "没有这个区域"),
    ("a window must serve at least one zone", "窗口至少要服务一个区域"),
    ("not a PIN hash: make one with `onetrip config hash-pin`", "不是 PIN 哈希"),
    ("no staff member 's999'", "没有工作人员“s999”"),
    ("a staff member cannot back up themselves", "工作人员不能做自己的 B 角"),
    ("'printer' is not one of kiosk, caller", "“printer”不是 kiosk, caller 之一"),
    ("must be one of zh_CN, en", "应为 zh_CN, en 之一"),
    ("not a token hash: use `onetrip config hash-token`", "不是令牌哈希"),
    ("no window 99", "没有 99 号窗口"),
    ("a caller serves exactly one window", "呼叫器只能服务一个窗口"),
    ('must be a list like ["08:30-12:00"]', "应为列表"),
    ("not a date like 2026-10-01", "不是日期，应形如 2026-10-01"),
    ("'8-12' is not HH:MM-HH:MM", "“8-12”不是 HH:MM-HH:MM"),
    ("'08:30-07:00' ends before it starts", "“08:30-07:00”的结束时间早于开始时间"),
]


@pytest.mark.parametrize(("reason", "zh"), REASONS)
def test_every_reason_is_said_in_chinese_first(reason, zh):
    assert zh in chinese(reason)
    line = issue_line(ConfigIssue("hall.toml", "k", reason))
    assert line.startswith(f"hall.toml: k: {chinese(reason)} / {reason}")


def test_a_reason_the_table_does_not_know_stays_english():
    assert (
        issue_line(ConfigIssue("hall.toml", "k", "something new")) == "hall.toml: k: something new"
    )


def test_init_says_what_it_wrote_and_what_next_chinese_first(tmp_path):
    path = tmp_path / "hall.toml"
    result = onetrip("init", str(path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"已写入配置 {path}") and " / wrote " in lines[0]
    assert "请妥善保管该文件" in lines[1] and "keep that file private" in lines[1]
    assert lines[2].startswith("下一步：") and "onetrip config check" in lines[2]
    again = onetrip("init", str(path))
    assert again.returncode == 1
    assert again.stderr.strip() == (
        f"onetrip init: {path} 已存在（加 --force 覆盖） / {path} exists (use --force to overwrite)"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [("12ab", "PIN 为 4 到 12 位数字 / a PIN is 4 to 12 digits"), ("", "没有读到 PIN / no PIN")],
)
def test_hash_pin_refuses_in_both_languages(given, said):
    result = onetrip("config", "hash-pin", stdin=given + "\n")
    assert result.returncode == 1
    assert said in result.stderr and result.stdout == ""


def test_hash_pin_hashes_a_good_pin():
    result = onetrip("config", "hash-pin", stdin="246810\n")
    assert result.returncode == 0
    assert verify_pin("246810", result.stdout.strip())


def test_version_and_help():
    version = onetrip("--version")
    assert version.returncode == 0
    assert re.fullmatch(r"onetrip \d+\.\d+\.\d+\S*\n", version.stdout)
    help_text = onetrip("--help").stdout
    for zh in (
        "写入示例大厅配置",
        "运行大厅服务器",
        "数据库工具",
        "通过协议管理运行中的服务器",
        "运行整个演示大厅",
        "热敏打印机",
        "语音包与语音播报",
        "显示本帮助并退出",
        "报表：办件、等候",
        "窗口呼叫器与好差评评价器",
    ):
        assert zh in help_text
    assert "日志格式" in help_text and "--log-format" in help_text
