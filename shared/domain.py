"""Words of the domain shared by every program: ticket kinds and states, window states."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"  # 绿色通道
    APPOINTMENT = "appointment"  # 预约
    FOLLOWUP = "followup"  # 续办


class Status(StrEnum):
    WAITING = "waiting"  # issued, in a queue
    CALLED = "called"
    SERVING = "serving"
    SUSPENDED = "suspended"  # 挂起, held by one window
    MISSED = "missed"  # 过号, may be re-queued the same day
    DONE = "done"  # 办结
    CANCELLED = "cancelled"
    VOIDED = "voided"  # its print failed: nobody holds the number
    EXPIRED = "expired"  # still open when the day ended


FINAL = frozenset({Status.DONE, Status.CANCELLED, Status.VOIDED, Status.EXPIRED})


class WindowStatus(StrEnum):
    LOGGED_OUT = "logged_out"
    IDLE = "idle"
    CALLING = "calling"
    SERVING = "serving"
    PAUSED = "paused"  # 暂停服务, with a reason


# 好差评: the national five levels, 5 (非常满意) best; their names are texts ``rating.N``.
RATING_LEVELS = (5, 4, 3, 2, 1)
POOR_LEVELS = (2, 1)  # 差评: 不满意 and 非常不满意, the ones followed up (整改)
