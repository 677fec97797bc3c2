"""A configuration problem in both languages, Chinese first: ``file: key: 中文 / English``.

The readers (``shared.tomlreader``, ``shared.config``, ``hardware.bridge_config``) say each
problem in English; this table knows the Chinese of every reason they give (its texts are in
``shared.texts.ops``, keys ``ops.issue.*``). A reason not in the table is shown in English.
"""

from __future__ import annotations

import re

from shared.texts import t
from shared.tomlreader import ConfigIssue

# English reason (a full match) -> the key of its Chinese; named groups fill the placeholders.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"missing", "ops.issue.missing"),
        (r"must be (?P<what>.+), not (?P<got>\w+)", "ops.issue.wrong_type"),
        (r"must be at least (?P<low>.+)", "ops.issue.at_least"),
        (r"(?P<v>-?\d+) is out of range (?P<low>-?\d+)\.\.(?P<high>-?\d+)", "ops.issue.range"),
        (r"must be a table", "ops.issue.table"),
        (r"must be a text", "ops.issue.text"),
        (r"must be (?P<what>int|str|float)", "ops.issue.item"),
        (r"at least one is needed", "ops.issue.at_least_one"),
        (r"unknown key, did you mean (?P<match>.+)\?", "ops.issue.unknown_near"),
        (r"unknown key \(misspelt\?\)", "ops.issue.unknown"),
        (r"use letters, digits, '-' and '_'", "ops.issue.ident"),
        (r"cannot read: (?P<reason>.+)", "ops.issue.cannot_read"),
        (r"not valid TOML: (?P<reason>.+)", "ops.issue.toml"),
        (r"unknown time zone '(?P<tz>.+)'", "ops.issue.timezone"),
        (r"no hall secret: set secret_file or \$(?P<env>\w+)", "ops.issue.no_secret"),
        (
            r"cannot read the secret file (?P<path>.+?)(?: \((?P<reason>.+)\))?",
            "ops.issue.secret_unreadable",
        ),
        (r"the secret file (?P<path>.+) is empty", "ops.issue.secret_empty"),
        (r"the secret is shorter than (?P<n>\d+) characters", "ops.issue.secret_short"),
        (r"must be one capital letter A–Z", "ops.issue.prefix"),
        (r"'(?P<p>.+)' is already used by zone '(?P<zone>.+)'", "ops.issue.prefix_used"),
        (r"(?P<what>zone|staff|device) '(?P<id>.+)' is defined twice", "ops.issue.twice"),
        (r"matter '(?P<id>.+)' is defined twice in zone '(?P<zone>.+)'", "ops.issue.matter_twice"),
        (r"window (?P<n>\d+) is defined twice", "ops.issue.window_twice"),
        (r"no such zone", "ops.issue.no_zone"),
        (r"a window must serve at least one zone", "ops.issue.window_zones"),
        (r"not a PIN hash: .*", "ops.issue.pin_hash"),
        (r"no staff member '(?P<id>.+)'", "ops.issue.no_staff"),
        (r"a staff member cannot back up themselves", "ops.issue.self_backup"),
        (r"'(?P<v>.+)' is not one of (?P<choices>.+)", "ops.issue.not_one_of"),
        (r"must be one of (?P<choices>.+)", "ops.issue.one_of"),
        (r"not a token hash: .*", "ops.issue.token_hash"),
        (r"no window (?P<n>\d+)", "ops.issue.no_window"),
        (r"a caller serves exactly one window", "ops.issue.one_window"),
        (r"must be a list like (?P<example>.+)", "ops.issue.hours_list"),
        (r"not a date like (?P<example>.+)", "ops.issue.date"),
        (r"'(?P<text>.+)' is not HH:MM-HH:MM", "ops.issue.period"),
        (r"'(?P<text>.+)' ends before it starts", "ops.issue.period_order"),
    )
)

_WHAT = {
    "text": "文本",
    "a whole number": "整数",
    "a number": "数字",
    "true or false": "true 或 false",
    "a table": "表",
    "a list of tables": "表的列表",
    "a list": "列表",
    "zone": "区域",
    "staff": "工作人员",
    "device": "设备",
    "int": "整数",
    "str": "文本",
    "float": "数字",
}


def chinese(reason: str) -> str:
    """The Chinese of an English reason, or "" when the table does not know it."""
    for pattern, key in _REASONS:
        m = pattern.fullmatch(reason)
        if m:
            params = m.groupdict()
            if "what" in params:  # a kind of value or of thing, said in Chinese
                params["what"] = _WHAT.get(params["what"], params["what"])
            return t(key, "zh_CN", **params)
    return ""


def issue_line(issue: ConfigIssue) -> str:
    """``file: key: 中文 / English`` (English alone for a reason not in the table)."""
    zh = chinese(issue.reason)
    return f"{issue.file}: {issue.key}: {zh} / {issue.reason}" if zh else str(issue)
