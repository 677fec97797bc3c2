"""System-wide shortcuts (``qtkit.hotkey``): the pure part by table; the X11 pump on a real X
server (Xvfb) with keys typed through XTest, as a keyboard would; the caller bar calling next
while another window has the keyboard, a held key calling once; the ``[shortcuts]`` config.

The Windows pump (``RegisterHotKey``) is checked by hand: docs/caller.md says how."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apps.caller.clerk import Callers, Kiosk, db_rows
from hub.conftest import ServerProcess

from caller.config import parse_caller_config
from qtkit.hotkey import (
    MOD_ALT,
    MOD_CONTROL,
    MOD_NOREPEAT,
    MOD_SHIFT,
    MOD_WIN,
    X_CONTROL,
    X_LOCK,
    X_MOD1,
    X_MOD2,
    X_MOD4,
    X_SHIFT,
    GlobalHotkeys,
    Hotkey,
    RepeatFilter,
    parse_hotkey,
    reserved_on_x11,
    windows_codes,
    x11_keysym,
    x11_masks,
)
from shared.config import ConfigError


# --- the pure part -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mods", "key", "shown"),
    [
        ("Ctrl+Alt+F1", {"ctrl", "alt"}, "F1", "Ctrl+Alt+F1"),
        ("alt+ctrl+f1", {"ctrl", "alt"}, "F1", "Ctrl+Alt+F1"),  # any case, any order
        ("Control+Shift+F12", {"ctrl", "shift"}, "F12", "Ctrl+Shift+F12"),
        ("Super+K", {"meta"}, "K", "Meta+K"),
        ("Win+Shift+1", {"meta", "shift"}, "1", "Shift+Meta+1"),
        ("F9", set(), "F9", "F9"),  # a bare function key types nothing
        ("Ctrl+ Space", {"ctrl"}, "Space", "Ctrl+Space"),
        ("Ctrl+Alt+pageup", {"ctrl", "alt"}, "PageUp", "Ctrl+Alt+PageUp"),
        ("Pause", set(), "Pause", "Pause"),
    ],
)
def test_parse_hotkey(text: str, mods: set[str], key: str, shown: str) -> None:
    hotkey = parse_hotkey(text)
    assert hotkey == Hotkey(frozenset(mods), key) and str(hotkey) == shown
    assert parse_hotkey(str(hotkey)) == hotkey


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "not a key combination"),
        ("Ctrl+", "not a key combination"),
        ("Ctrl++F1", "not a key combination"),
        ("Hyper+F1", "'Hyper' is not a modifier"),
        ("Ctrl+Ctrl+F1", "given twice"),
        ("Ctrl+Alt", "has no key"),
        ("Ctrl+F25", "'F25' is not a key"),
        ("Ctrl+F1+F2", "'F1' is not a modifier"),
        ("A", "typing key"),
        ("Shift+1", "typing key"),  # Shift alone would still take 「!」 from every program
        ("Space", "typing key"),
    ],
)
def test_parse_hotkey_refuses(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_hotkey(text)


@pytest.mark.parametrize(
    ("text", "keysym", "base", "win"),
    [
        ("Ctrl+Alt+F1", "F1", X_CONTROL | X_MOD1, (MOD_CONTROL | MOD_ALT, 0x70)),
        ("Ctrl+Shift+F1", "F1", X_CONTROL | X_SHIFT, (MOD_CONTROL | MOD_SHIFT, 0x70)),
        ("Meta+F12", "F12", X_MOD4, (MOD_WIN, 0x7B)),
        ("Ctrl+K", "k", X_CONTROL, (MOD_CONTROL, ord("K"))),
        ("Alt+7", "7", X_MOD1, (MOD_ALT, ord("7"))),
        ("Ctrl+PageDown", "Next", X_CONTROL, (MOD_CONTROL, 0x22)),
        ("F24", "F24", 0, (0, 0x87)),
    ],
)
def test_platform_codes(text: str, keysym: str, base: int, win: tuple[int, int]) -> None:
    hotkey = parse_hotkey(text)
    assert x11_keysym(hotkey) == keysym
    # grabbed with and without CapsLock and NumLock, or NumLock on would disable it
    assert x11_masks(hotkey) == (base, base | X_LOCK, base | X_MOD2, base | X_LOCK | X_MOD2)
    mods, vk = windows_codes(hotkey)
    assert (mods & ~MOD_NOREPEAT, vk) == win and mods & MOD_NOREPEAT  # Windows: no repeats


@pytest.mark.parametrize(
    ("text", "reserved"),
    [
        ("Ctrl+Alt+F1", True),  # switches to the first Linux console
        ("Ctrl+Alt+F12", True),
        ("Ctrl+Alt+Shift+F3", False),  # reported (checked on Xvfb)
        ("Ctrl+Alt+F13", False),
        ("Ctrl+Shift+F1", False),
        ("Alt+F1", False),
        ("Ctrl+Alt+K", False),
    ],
)
def test_console_switch_keys_are_reserved_on_x11(text: str, reserved: bool) -> None:
    assert reserved_on_x11(parse_hotkey(text)) is reserved


# what X11 sends -> what the filter says: a held key is one press and one release
REPEAT_TABLE = [
    ("press then release", [("p", 10), ("r", 90), ("settle",)], ["press", "up"]),
    (
        "held: X11 repeats as release+press pairs with one time",
        [("p", 10), ("r", 600), ("p", 600), ("r", 640), ("p", 640), ("r", 700), ("settle",)],
        ["press", "repeat", "repeat", "up"],
    ),
    (
        "two real presses",
        [("p", 10), ("r", 90), ("settle",), ("p", 300), ("r", 380), ("settle",)],
        ["press", "up", "press", "up"],
    ),
    (
        "pressed again before the release settled",
        [("p", 10), ("r", 90), ("p", 95), ("r", 380), ("settle",)],
        ["press", "again", "up"],
    ),
    ("a press without release between is a repeat", [("p", 10), ("p", 50)], ["press", "repeat"]),
    ("settle with nothing pending", [("settle",), ("p", 5), ("settle",)], ["press"]),
    ("a release of a key not down", [("r", 5), ("settle",), ("p", 5)], ["press"]),
]


@pytest.mark.parametrize(("why", "steps", "said"), REPEAT_TABLE, ids=[r[0] for r in REPEAT_TABLE])
def test_repeat_filter(why: str, steps: list[tuple[Any, ...]], said: list[str]) -> None:
    f = RepeatFilter()
    out: list[str] = []
    for step in steps:
        if step[0] == "p":
            out.append(f.press(step[1]))
        elif step[0] == "r":
            f.release(step[1])
        elif f.settle():
            out.append("up")
    assert out == said


# --- the caller's [shortcuts] ------------------------------------------------------------------
def _config(shortcuts: dict[str, Any]) -> Any:
    return parse_caller_config(
        {
            "hub": {"url": "ws://127.0.0.1:1/ws", "device": "caller-3", "token": "t"},
            "caller": {"window": 3},
            "shortcuts": shortcuts,
        }
    )


def test_shortcuts_config() -> None:
    assert _config({}).global_keys == {}  # off by default
    assert _config({"global_call_next": ""}).global_keys == {}
    config = _config({"global_call_next": "ctrl+shift+f1", "global_recall": "Ctrl+Shift+F2"})
    assert config.global_keys == {"call_next": "Ctrl+Shift+F1", "recall": "Ctrl+Shift+F2"}


def test_bad_shortcuts_are_listed() -> None:
    with pytest.raises(ConfigError) as info:
        _config(
            {
                "global_fly": "Ctrl+Shift+F1",
                "call_next": "Ctrl+Shift+F1",
                "global_recall": "Ctrl+Q+",
                "global_no_show": 3,
                "global_start": "Ctrl+Shift+F5",
                "global_finish": "Shift+Ctrl+F5",
            }
        )
    said = {i.key: i.reason for i in info.value.issues}
    assert said.keys() == {
        "shortcuts.global_fly",
        "shortcuts.call_next",
        "shortcuts.global_recall",
        "shortcuts.global_no_show",
        "shortcuts.global_finish",
    }
    assert "already a global shortcut" in said["shortcuts.global_finish"]


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl+Alt+Fn switch consoles on Linux only")
def test_a_console_switch_key_is_refused_with_the_reason() -> None:
    with pytest.raises(ConfigError) as info:
        _config({"global_call_next": "Ctrl+Alt+F1"})
    (issue,) = info.value.issues
    assert issue.key == "shortcuts.global_call_next"
    assert "switches the Linux console" in issue.reason and "Ctrl+Shift+F1" in issue.reason


# --- X11, on a real X server ---------------------------------------------------------------------
def _xlib() -> Any:
    try:
        from Xlib import XK, X, display
        from Xlib.ext import xtest
    except ImportError:
        return None
    return X, XK, display, xtest


class Keyboard:
    """Keys typed on the X server through XTest: the server sees them as from a keyboard."""

    def __init__(self, name: str) -> None:
        X, XK, display, xtest = _xlib()
        self.X, self.XK, self.xtest = X, XK, xtest
        self.d = display.Display(name)

    def key(self, name: str, down: bool) -> None:
        code = self.d.keysym_to_keycode(self.XK.string_to_keysym(name))
        self.xtest.fake_input(self.d, self.X.KeyPress if down else self.X.KeyRelease, code)
        self.d.sync()

    def down(self, *names: str) -> None:
        for name in names:
            self.key(name, True)

    def up(self, *names: str) -> None:
        for name in reversed(names):
            self.key(name, False)

    def tap(self, *names: str) -> None:
        self.down(*names)
        self.up(*names)

    def close(self) -> None:
        self.d.close()


@pytest.fixture(scope="module")
def xserver() -> Iterator[str]:
    """A private Xvfb on a free display number; skipped (with the reason) where there is none."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (scripts/system-packages test installs it)")
    if _xlib() is None:
        pytest.skip("python-xlib is not installed (pip install -e .[apps])")
    for n in range(90, 200):
        if Path(f"/tmp/.X11-unix/X{n}").exists() or Path(f"/tmp/.X{n}-lock").exists():
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{n}", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.02)  # the server starting (a process, not the code under test)
        if proc.poll() is None and Path(f"/tmp/.X11-unix/X{n}").exists():
            try:
                yield f":{n}"
            finally:
                proc.terminate()
                proc.wait(10)
            return
        proc.kill()
        proc.wait(10)
    pytest.skip("no free X display number")


@pytest.fixture
def keyboard(xserver: str) -> Iterator[Keyboard]:
    board = Keyboard(xserver)
    yield board
    board.close()


@pytest.fixture
def hotkeys(xserver: str, qtbot: Any) -> Iterator[Any]:
    made: list[GlobalHotkeys] = []

    def make(*texts: str) -> GlobalHotkeys:
        hk = GlobalHotkeys([parse_hotkey(t) for t in texts], display=xserver)
        hk.seen = []  # type: ignore[attr-defined]
        hk.pressed.connect(lambda n, rep: hk.seen.append(("press", n, rep)))  # type: ignore[attr-defined]
        hk.released.connect(lambda n: hk.seen.append(("release", n)))  # type: ignore[attr-defined]
        hk.failed.connect(lambda n, why: hk.seen.append(("failed", n, why)))  # type: ignore[attr-defined]
        made.append(hk)
        return hk

    yield make
    for hk in made:
        hk.stop()


def test_x11_a_hotkey_pressed_and_held(hotkeys: Any, keyboard: Keyboard, qtbot: Any) -> None:
    hk = hotkeys("Ctrl+Shift+F1", "Ctrl+Shift+F2")
    with qtbot.waitSignal(hk.ready, timeout=5000):
        hk.start()
    keyboard.tap("F1")  # without the modifiers: not ours
    keyboard.tap("Control_L", "Shift_L", "F3")  # not configured
    with qtbot.waitSignal(hk.released, timeout=5000):
        keyboard.tap("Control_L", "Shift_L", "F1")
    assert hk.seen == [("press", "Ctrl+Shift+F1", False), ("release", "Ctrl+Shift+F1")]
    # NumLock on does not disable it (grabbed with and without the lock modifiers)
    keyboard.tap("Num_Lock")
    with qtbot.waitSignal(hk.released, timeout=5000):
        keyboard.tap("Control_L", "Shift_L", "F2")
    keyboard.tap("Num_Lock")
    assert hk.seen[-2:] == [("press", "Ctrl+Shift+F2", False), ("release", "Ctrl+Shift+F2")]
    # held down: the X server repeats it; one press, then repeats, then one release
    hk.seen.clear()
    raw = hk.raw_presses
    keyboard.down("Control_L", "Shift_L", "F1")
    qtbot.waitUntil(lambda: hk.raw_presses >= raw + 5, timeout=5000)
    with qtbot.waitSignal(hk.released, timeout=5000):
        keyboard.up("Control_L", "Shift_L", "F1")
    qtbot.waitUntil(lambda: hk.seen[-1][0] == "release")
    presses = [s for s in hk.seen if s[0] == "press"]
    assert presses[0] == ("press", "Ctrl+Shift+F1", False) and len(presses) >= 4
    assert all(rep for _, _, rep in presses[1:])
    assert [s for s in hk.seen if s[0] == "release"] == [("release", "Ctrl+Shift+F1")]


def test_x11_a_combination_another_program_holds(hotkeys: Any, xserver: str, qtbot: Any) -> None:
    first = hotkeys("Ctrl+Shift+F4")
    with qtbot.waitSignal(first.ready, timeout=5000):
        first.start()
    second = hotkeys("Ctrl+Shift+F4")
    with qtbot.waitSignal(second.failed, timeout=5000) as failed:
        second.start()
    assert failed.args == ["Ctrl+Shift+F4", "taken"]


def test_x11_no_display(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    hk = GlobalHotkeys([parse_hotkey("Ctrl+Shift+F1")])
    with qtbot.waitSignal(hk.failed, timeout=5000) as failed:
        hk.start()
    hk.stop()
    assert failed.args == ["", "no_display"]


def test_the_bar_calls_next_while_another_program_has_the_keyboard(
    callers: Callers,
    kiosk: Kiosk,
    hall_server: ServerProcess,
    xserver: str,
    keyboard: Keyboard,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apps.caller.clerk import click, login
    from PySide6.QtWidgets import QApplication, QLineEdit

    monkeypatch.setenv("DISPLAY", xserver)
    bar = callers(3, global_keys={"call_next": "Ctrl+Shift+F1"}).bar
    assert bar is not None
    qtbot.waitUntil(lambda: bar.hotkeys.running)
    assert bar.buttons["call_next"].toolTip() == "呼叫下一位（F1 / Ctrl+Shift+F1）"
    login(qtbot, bar, "s001")
    labels = kiosk.issue_many(2)
    qtbot.waitUntil(lambda: len(bar.model.waiting) == 2)
    business = QLineEdit()  # the department's system, where the clerk types
    qtbot.addWidget(business)
    business.show()
    business.activateWindow()
    business.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is business)
    qtbot.keyClicks(business, "330281")
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "call_next"):
        keyboard.tap("Control_L", "Shift_L", "F1")
    assert bar.ticket.text() == labels[0] and bar.state.text() == "叫号中"
    assert QApplication.focusWidget() is business and business.text() == "330281"
    # the ticket served; then the key held down: the next one is called, only once
    click(qtbot, bar.buttons["finish"])
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "finish"):
        click(qtbot, bar.dialog.done_button)
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == "call_next"):
        keyboard.down("Control_L", "Shift_L", "F1")
    raw = bar.hotkeys.raw_presses
    qtbot.waitUntil(lambda: bar.hotkeys.raw_presses >= raw + 5, timeout=5000)
    with qtbot.waitSignal(bar.hotkeys.released, timeout=5000):
        keyboard.up("Control_L", "Shift_L", "F1")
    assert bar.ticket.text() == labels[1]
    rows = db_rows(hall_server, "SELECT label, status FROM tickets ORDER BY label")
    assert rows == [(labels[0], "done"), (labels[1], "called")]
    called = db_rows(hall_server, "SELECT count(*) FROM events WHERE type = 'called'")
    assert called == [(2,)]  # two calls in all: the held key repeated none


def test_the_bar_says_when_its_shortcut_is_taken(
    callers: Callers, xserver: str, hotkeys: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = hotkeys("Ctrl+Shift+F6")
    with qtbot.waitSignal(holder.ready, timeout=5000):
        holder.start()
    monkeypatch.setenv("DISPLAY", xserver)
    bar = callers(3, global_keys={"call_next": "Ctrl+Shift+F6"}).bar
    assert bar is not None
    qtbot.waitUntil(lambda: "全局快捷键" in bar.message.text())
    assert bar.message.text() == "全局快捷键 Ctrl+Shift+F6 不可用：已被其他程序占用，请换一个组合键"
    assert bar.message_level == "error"
