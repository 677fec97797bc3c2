"""A hand-built hall day, driven through the real engine and store into a real SQLite file.

Tuesday 24 November 2026 in the sample hall (open day and night), times hall-local:

- A001 issued 08:00, called at window 1 (王丽 s001) 08:10, started 08:12, finished 08:30,
  rated 5 (非常满意).                                   wait 600 s, service 1080 s
- A002 issued 08:05, called at window 2 (李娜 s003) 08:11, no-show 08:13, re-queued 08:20,
  called again 09:30, finished 09:40 without start, rated 1 (差评) 09:41.
                                     wait 5100 s (85 min: the last call), service 600 s
- A003 issued 08:10, called at window 1 08:31, started 08:32, suspended 08:40, called back
  08:50, started 08:52, suspended 09:00, called back 09:10, a 续办服务卡 09:15, finished
  09:20 without start (the case goes on). wait 1260 s; service 480 + 480 + 600 = 1560 s
- A007: 王丽 logs out 17:00; her AB backup 陈建国 (s002) logs in at window 3 18:00; the card is
  redeemed 19:00 (a follow-up for 王丽, taken by her backup); called 19:05, finished 19:20
  (the case is done: 2 visits), rated 4.           wait 300 s, service 900 s
- A004 issued 10:00, called at window 1 10:05, started 10:06, transferred to 公积金 10:10;
  window 4 (刘洋 s005) calls it 10:20, starts 10:21, finishes 10:31, rated 3.
                                                   wait 1200 s, service 240 + 600 = 840 s
- A005 issued 11:00, cancelled 11:05.  A006 issued 11:10, voided (print failed) 11:10:05.
- A008 issued 23:50, called at window 2 23:55, started 23:58, finished 00:10 on the 25th,
  after the hall's midnight: still a ticket of the 24th.   wait 300 s, service 720 s
- Window 2 pauses 12:00–13:00 (午休). Logins: window 1 s001 08:00–17:00, window 2 s003
  08:00–00:20 (25th), window 4 s005 10:00–11:00, window 3 s002 18:00–20:00.
"""

from __future__ import annotations

from pathlib import Path

from support import PIN, at

from server.hall import Hall, Origin
from shared import commands as c
from shared.config import HallConfig, load_config
from shared.sample import write_hall

DAY = "2026-11-24"


def t(hour: int, minute: int = 0, second: float = 0, day: int = 24) -> float:
    return at(day=day, hour=hour, minute=minute, second=second)


class Driver:
    """Commands through ``Hall.handle`` (engine + store), each at a given hall-local time."""

    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self.n = 0

    def __call__(self, command: c.Command, when: float, device: str = "admin") -> dict:
        self.n += 1
        return self.hall.handle(command, Origin(device, "", f"r{self.n}"), when).reply


def hall_files(folder: Path) -> tuple[Path, HallConfig]:
    path = folder / "hall.toml"
    write_hall(path, pin=PIN, fast=True, always_open=True)
    return path, load_config(path)


def build_day(hall: Hall) -> None:
    d = Driver(hall)
    d(c.Login(window=1, staff="s001"), t(8))
    d(c.Login(window=2, staff="s003"), t(8))
    d(c.Issue(zone="shangshi", matter="qysl"), t(8))  # A001
    d(c.Issue(zone="shangshi", matter="qybg"), t(8, 5))  # A002
    d(c.Issue(zone="shangshi", matter="qysl"), t(8, 10))  # A003
    d(c.CallTicket(window=1, ticket="A001"), t(8, 10))
    d(c.CallTicket(window=2, ticket="A002"), t(8, 11))
    d(c.Start(window=1), t(8, 12))
    d(c.NoShow(window=2), t(8, 13))
    d(c.Requeue(ticket="A002"), t(8, 20), device="kiosk-1")
    d(c.Finish(window=1), t(8, 30))
    d(c.Evaluate(level=5, window=1), t(8, 31))
    d(c.CallTicket(window=1, ticket="A003"), t(8, 31))
    d(c.Start(window=1), t(8, 32))
    d(c.Suspend(window=1, note="补材料"), t(8, 40))
    d(c.CallBack(window=1, ticket="A003"), t(8, 50))
    d(c.Start(window=1), t(8, 52))
    d(c.Suspend(window=1, note="复印"), t(9))
    d(c.CallBack(window=1, ticket="A003"), t(9, 10))
    card = d(c.IssueCard(window=1, tips=("带身份证",)), t(9, 15))["card"]
    d(c.Finish(window=1, case_done=False), t(9, 20))
    d(c.CallTicket(window=2, ticket="A002"), t(9, 30))
    d(c.Finish(window=2), t(9, 40))
    d(c.Evaluate(level=1, window=2), t(9, 41))
    d(c.Login(window=4, staff="s005"), t(10))
    d(c.Issue(zone="shangshi", matter="gtgsh"), t(10))  # A004
    d(c.CallTicket(window=1, ticket="A004"), t(10, 5))
    d(c.Start(window=1), t(10, 6))
    d(c.Transfer(window=1, to_zone="gongjijin"), t(10, 10))
    d(c.CallTicket(window=4, ticket="A004"), t(10, 20))
    d(c.Start(window=4), t(10, 21))
    d(c.Finish(window=4), t(10, 31))
    d(c.Evaluate(level=3, window=4), t(10, 32))
    d(c.Logout(window=4), t(11))
    d(c.Issue(zone="shangshi"), t(11))  # A005
    d(c.Cancel(ticket="A005", reason="走错"), t(11, 5))
    d(c.Issue(zone="shangshi"), t(11, 10), device="kiosk-1")  # A006
    d(c.Void(ticket="A006", reason="缺纸"), t(11, 10, 5), device="kiosk-1")
    d(c.Pause(window=2, reason="午休"), t(12))
    d(c.Resume(window=2), t(13))
    d(c.Logout(window=1), t(17))
    d(c.Login(window=3, staff="s002"), t(18))
    d(c.RedeemCard(code=card["code"]), t(19), device="kiosk-1")  # A007
    assert d(c.CallNext(window=3), t(19, 5))["ticket"]["label"] == "A007"
    d(c.Finish(window=3), t(19, 20))
    d(c.Evaluate(level=4, window=3), t(19, 21))
    d(c.Logout(window=3), t(20))
    d(c.Issue(zone="shangshi"), t(23, 50))  # A008
    d(c.CallTicket(window=2, ticket="A008"), t(23, 55))
    d(c.Start(window=2), t(23, 58))
    d(c.Finish(window=2), t(0, 10, day=25))
    d(c.Logout(window=2), t(0, 20, day=25))
