"""What the bridge shows: a window's state on its keypad's 7-segment display and its LED strips,
and the short codes a keypad shows when the hub refuses a key. Pure functions of the hub's
window view (``docs/protocol.md`` §4), so they are tested without a bus or a hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.texts import t

from .keypad import display_text

# The keypad display per window state; a called or served ticket shows its number instead.
LOGGED_OUT = "----"
IDLE = "0000"
PAUSED = "PAUSE"

# Refusals as a 7-segment display shows them (letters it cannot draw are avoided): the hub's
# stable error code -> display text. docs/hardware.md lists them for the staff.
ERROR_CODES: dict[str, str] = {
    "queue_empty": "E-01",
    "window_busy": "E-02",
    "window_paused": "E-03",
    "no_ticket_at_window": "E-04",
    "window_logged_out": "E-05",
    "bad_credentials": "E-06",
    "locked_out": "E-07",
    "recall_limit": "E-08",
    "bad_state": "E-09",
    "window_taken": "E-10",
    "staff_elsewhere": "E-10",
    "unknown_ticket": "E-11",
    "unknown_window": "E-11",
    "unknown_staff": "E-11",
    "bad_transfer": "E-11",
    "window_zone": "E-11",
    "keypad_input": "E-12",  # the bridge's own: nothing or nonsense typed before the key
    "no_evaluator": "E-13",  # the bridge's own: 请评价 at a window without an evaluator
    "already_rated": "E-14",
    "window_not_paused": "E-15",
    "timeout": "E-20",  # the hub did not answer (down, or the network)
    "rate_limited": "E-21",
    "window_not_bound": "E-30",  # the bridge's device is not allowed this window
    "forbidden": "E-30",
}
OTHER_ERROR = "E-99"


def error_display(code: str) -> str:
    return ERROR_CODES.get(code, OTHER_ERROR)


def keypad_display(window: dict[str, Any] | None) -> str:
    """What a window's keypad shows for the hub's window view (``None``: not known yet)."""
    if not window:
        return LOGGED_OUT
    status = window.get("status")
    if status == "logged_out":
        return LOGGED_OUT
    if status == "paused":
        return PAUSED
    if status in ("calling", "serving") and window.get("ticket"):
        return display_text(str(window["ticket"]))
    return IDLE


@dataclass(frozen=True)
class StripView:
    """``text`` empty: the strip goes back to its idle text (clear)."""

    text: str
    color: str = "red"
    mode: str = "static"


def strip_idle_text(number: int, lang: str) -> str:
    return t("bridge.strip.idle", lang, window=number)


def strip_view(
    number: int, window: dict[str, Any] | None, call: dict[str, Any] | None, lang: str
) -> StripView:
    """What a window's LED strip shows: the call while the ticket is called, then the ticket
    being served, the pause, or nothing (its idle text).

    ``call`` is the hub's latest call entry for the window; its ``announce`` sentence is used
    when it is about the ticket now at the window.
    """
    status = (window or {}).get("status", "logged_out")
    ticket = (window or {}).get("ticket")
    if status == "calling" and ticket:
        text = ""
        if call and call.get("ticket") == ticket:
            text = str((call.get("announce") or {}).get(lang) or "")
        return StripView(
            text or t("bridge.strip.call", lang, ticket=ticket, window=number), "red", "flash"
        )
    if status == "serving" and ticket:
        return StripView(t("bridge.strip.serving", lang, window=number, ticket=ticket), "yellow")
    if status == "paused":
        reason = (window or {}).get("pause_reason")
        if reason:
            return StripView(
                t("bridge.strip.paused_reason", lang, window=number, reason=reason), "yellow"
            )
        return StripView(t("bridge.strip.paused", lang, window=number), "yellow")
    if status == "logged_out":
        return StripView(t("bridge.strip.closed", lang, window=number), "red")
    return StripView("")
