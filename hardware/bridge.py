"""The serial bridge: one RS-485 bus of window keypads, evaluators and LED strips, connected to
the hall hub as one ``bridge`` device.

    bridge = Bridge(load_bridge_config("bridge.toml"))
    await bridge.run(stop)            # until ``stop`` is set; 1 if the hub refused the token

Two halves, each surviving on its own: the port (``SerialPortReader``, a thread that reopens a
vanished port with backoff) and the hub (``HubClient``, which reconnects, subscribes again and
takes a fresh snapshot). Frames from the bus are handed to the event loop; writes to the bus go
through one writer thread, in order, so a slow line never stalls the loop.

- a keypad key becomes a window op (``KEY_OPS``); a refusal shows a short code on its display
  (``bridge_views.ERROR_CODES``) for a few seconds, then the window's state again;
- an evaluator's rating becomes ``evaluate`` for its window (the ticket the window finished
  last); when a window finishes a ticket its evaluator is asked to rate;
- the window topics' pushes drive the keypad displays (the called number, a beep per call) and
  the LED strips (the call, then the ticket being served, the pause, or the idle text).

The display and strip state is kept per device and only what changed is sent; everything is
sent again when the port comes back (a replugged device starts blank).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from shared.client import HubClient, HubError
from shared.protocol import Events, window_topic
from shared.texts import t

from .bridge_config import BridgeConfig, BusDevice
from .bridge_views import (
    error_display,
    keypad_display,
    strip_idle_text,
    strip_view,
)
from .evaluator import ask_frame, decode_rating, idle_frame
from .frames import Frame
from .keypad import Key, KeyPress, ack_frame, beep_frame, decode_key, display_frame
from .ledstrip import ADAPTERS
from .port import SerialPortReader

log = logging.getLogger("onetrip.bridge")

# Keys that are one window op with no argument; the others are handled in ``_request``.
KEY_OPS: dict[Key, str] = {
    Key.CALL: "call_next",
    Key.RECALL: "recall",
    Key.NO_SHOW: "no_show",
    Key.START: "start",
    Key.FINISH: "finish",
    Key.SUSPEND: "suspend",
    Key.LOGOUT: "logout",
}
# A ticket leaving the window in one of these ways can no longer be rated.
_UNRATEABLE = frozenset({"missed", "transferred", "suspended", "cancelled", "voided"})


class KeypadInput(Exception):
    """What was typed before a key does not make a request (shown as ``keypad_input``)."""


@dataclass
class WindowState:
    number: int
    view: dict[str, Any] | None = None  # the hub's window view
    call: dict[str, Any] | None = None  # the latest call entry at this window
    held_rating: int | None = None  # rated before the ticket was finished
    error_token: int = 0  # the refusal on show (0: none)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one key at a time per window


class Bridge:
    def __init__(
        self,
        config: BridgeConfig,
        *,
        hub_backoff: tuple[float, float] = (0.2, 5.0),
        port_backoff: tuple[float, float] = (0.2, 5.0),
    ) -> None:
        self.config = config
        self.windows = {n: WindowState(n) for n in config.windows}
        self.client = HubClient(
            config.hub_url,
            device=config.device,
            token=config.token,
            topics=[window_topic(n) for n in config.windows],
            request_timeout=config.request_timeout,
            backoff=hub_backoff,
            keep_events=0,
            on_event=self._on_event,
            on_snapshot=self._on_snapshot,
            on_state=self._on_hub_state,
            name=f"bridge {config.device}",
        )
        self.port = SerialPortReader(
            config.port,
            self._from_port_thread,
            baudrate=config.baudrate,
            on_state=self._on_port_state_thread,
            backoff=port_backoff,
            label=f"bus {config.port}",
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sent: dict[tuple[int, str], bytes] = {}  # (address, what) -> what it shows
        self._writes: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unknown: set[int] = set()  # addresses already reported
        self._errors = 0

    # -- life ----------------------------------------------------------------------------------
    async def start(self) -> Bridge:
        self._loop = asyncio.get_running_loop()
        self._writer = threading.Thread(target=self._write_loop, name="bridge writer", daemon=True)
        self._writer.start()
        self.port.start()
        await self.client.start()
        log.info(
            "bridge %s: bus %s (%d devices, windows %s) -> %s",
            self.config.device,
            self.config.port,
            len(self.config.devices),
            ", ".join(map(str, self.config.windows)),
            self.config.hub_url,
        )
        return self

    async def close(self) -> None:
        await self.client.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.to_thread(self.port.stop)
        self._writes.put(None)
        if self._writer is not None:
            await asyncio.to_thread(self._writer.join, 2)

    async def run(self, stop: asyncio.Event) -> int:
        """Bridge until ``stop`` is set: 0, or 1 when the hub refused the device's token."""
        await self.start()
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.5)
                if self.client.failure is not None:
                    log.error(
                        "bridge %s: the hub refused this device (%s); check hub.device "
                        "and the token",
                        self.config.device,
                        self.client.failure.code,
                    )
                    return 1
            return 0
        finally:
            await self.close()

    async def __aenter__(self) -> Bridge:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- the bus: in -------------------------------------------------------------------------
    def _from_port_thread(self, frame: Any) -> None:
        self._soon(self._on_frame, frame)

    def _on_port_state_thread(self, up: bool) -> None:
        if up:  # a replugged device starts blank: tell every one what it shows
            self._soon(self._refresh_all, True)

    def _soon(self, func: Any, *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(func, *args)

    def _on_frame(self, frame: Frame) -> None:
        device = self.config.devices.get(frame.addr)
        if device is None:
            level = logging.DEBUG if frame.addr in self._unknown else logging.WARNING
            self._unknown.add(frame.addr)
            log.log(
                level,
                "bus: frame from address %d, which is not in %s: ignored %s",
                frame.addr,
                self.config.file,
                frame,
            )
            return
        if device.kind == "keypad":
            press = decode_key(frame)
            if press is not None:
                self._send(ack_frame(device.address, press.key))
                self._spawn(self._key(device, press))
        elif device.kind == "evaluator":
            rating = decode_rating(frame)
            if rating is None:
                return
            if rating.level is None:
                log.info(
                    "evaluator %d (window %d): no rating before the timeout",
                    device.address,
                    device.window,
                )
                return
            self._spawn(self._rate(device, rating.level))
        else:
            log.warning(
                "bus: LED strip %d sent %s: strips do not talk, ignored", device.address, frame
            )

    # -- keys ----------------------------------------------------------------------------------
    async def _key(self, device: BusDevice, press: KeyPress) -> None:
        w = self.windows[device.window]
        async with w.lock:
            # Never the typed data: a login carries the PIN.
            log.info("keypad %d (window %d): %s", device.address, w.number, press.key.name)
            if press.key is Key.EVALUATE:
                if not self._ask(w.number):
                    self._refused(device, w, "no_evaluator")
                return
            try:
                op, fields = self._request(press, w)
            except KeypadInput as e:
                log.warning(
                    "keypad %d (window %d): %s: %s", device.address, w.number, press.key.name, e
                )
                self._refused(device, w, "keypad_input")
                return
            try:
                result = await self.client.request(op, **fields)
            except HubError as e:
                log.warning(
                    "keypad %d (window %d): %s refused: %s (%s)",
                    device.address,
                    w.number,
                    op,
                    e.code,
                    e.message_en,
                )
                self._refused(device, w, e.code)
                return
            if isinstance(result.get("window"), dict):
                w.view = result["window"]
            elif op in ("call_next", "call", "recall") and isinstance(result.get("ticket"), dict):
                # Show the number now; the window push that follows says the same.
                w.view = {
                    **(w.view or {}),
                    "status": "calling",
                    "ticket": result["ticket"].get("label"),
                }
            w.error_token = 0
            self._refresh(w)

    def _request(self, press: KeyPress, w: WindowState) -> tuple[str, dict[str, Any]]:
        fields: dict[str, Any] = {"window": w.number}
        arg = press.argument
        if press.key in KEY_OPS:
            return KEY_OPS[press.key], fields
        if press.key is Key.SELECT:
            if not arg:
                raise KeypadInput("type the ticket number before 选呼")
            return "call", {**fields, "ticket": arg.upper()}
        if press.key is Key.TRANSFER:
            if not arg.isdigit():
                raise KeypadInput("type the target window number before 转移")
            return "transfer", {**fields, "to_window": int(arg)}
        if press.key is Key.PAUSE:
            if (w.view or {}).get("status") == "paused":
                return "resume", fields
            reason = self.config.pause_reasons.get(arg, arg) or t(
                "bridge.pause.default", self.config.strip_lang
            )
            return "pause", {**fields, "reason": reason}
        if press.key is Key.LOGIN:
            staff, sep, pin = arg.partition("*")
            if not (sep and staff and pin):
                raise KeypadInput("type staff number * PIN before 登录")
            prefix = self.config.staff_prefix
            if prefix and not staff.lower().startswith(prefix.lower()):
                staff = prefix + staff
            return "login", {**fields, "staff": staff, "pin": pin}
        raise KeypadInput(f"no request for key {press.key.name}")

    def _refused(self, device: BusDevice, w: WindowState, code: str) -> None:
        """Show the refusal's code for a while, then the window's state again."""
        self._errors += 1
        token = w.error_token = self._errors
        self._send(
            display_frame(device.address, error_display(code)),
            slot=(device.address, "display"),
            force=True,
        )
        self._send(beep_frame(device.address, 2, 60))
        assert self._loop is not None
        self._loop.call_later(self.config.error_seconds, self._error_over, w, token)

    def _error_over(self, w: WindowState, token: int) -> None:
        if w.error_token == token:
            w.error_token = 0
            self._refresh(w)

    # -- ratings -----------------------------------------------------------------------------
    def _ask(self, window: int) -> bool:
        evaluator = self.config.evaluator(window)
        if evaluator is None:
            return False
        staff = str((self.windows[window].view or {}).get("staff_name") or "")
        self._send(ask_frame(evaluator.address, self.config.rate_seconds, staff))
        return True

    async def _rate(self, device: BusDevice, level: int) -> None:
        w = self.windows[device.window]
        async with w.lock:
            if (w.view or {}).get("ticket"):
                # Rated while the ticket is still at the window: "its last finished ticket"
                # would be the previous citizen's. Kept until this one is finished.
                w.held_rating = level
                log.info(
                    "evaluator %d (window %d): rating %d kept until the window finishes",
                    device.address,
                    w.number,
                    level,
                )
                return
            await self._evaluate(device, w, level)

    async def _evaluate(self, device: BusDevice, w: WindowState, level: int) -> None:
        try:
            result = await self.client.request("evaluate", window=w.number, level=level)
        except HubError as e:
            log.warning(
                "evaluator %d (window %d): rating %d refused: %s (%s)",
                device.address,
                w.number,
                level,
                e.code,
                e.message_en,
            )
        else:
            label = (result.get("ticket") or {}).get("label", "?")
            log.info(
                "evaluator %d (window %d): %s rated %d", device.address, w.number, label, level
            )
        self._send(idle_frame(device.address))  # thanks, back to idle either way

    # -- the hub ----------------------------------------------------------------------------
    async def _on_hub_state(self, up: bool) -> None:
        if not up:
            log.warning("bridge %s: hub connection lost; reconnecting", self.config.device)
            return
        log.info(
            "bridge %s: connected to the hub (%s)",
            self.config.device,
            self.client.hello.get("hall", {}).get("name", "?"),
        )
        bound = set(self.client.hello.get("windows") or [])
        missing = [n for n in self.config.windows if n not in bound]
        if missing:
            log.warning(
                "bridge %s: the hall config does not give this device window(s) %s; "
                "their keys will be refused",
                self.config.device,
                ", ".join(map(str, missing)),
            )

    async def _on_snapshot(self, result: dict[str, Any], reason: str) -> None:
        for topic, snap in (result.get("topics") or {}).items():
            if not topic.startswith("window:") or not isinstance(snap, dict):
                continue
            w = self.windows.get(int(topic.split(":", 1)[1]))
            if w is None:
                continue
            if isinstance(snap.get("window"), dict):
                w.view = snap["window"]
            recent = snap.get("recent") or []
            if recent and isinstance(recent[0], dict):
                w.call = recent[0]
            self._refresh(w)

    async def _on_event(self, push: dict[str, Any]) -> None:
        kind = push.get("event")
        if kind in (Events.CALLED, Events.RECALLED):
            call = push.get("call") or {}
            w = self.windows.get(call.get("window"))  # type: ignore[arg-type]
            if w is None:
                return
            w.call = call
            w.view = {**(w.view or {}), "status": "calling", "ticket": call.get("ticket")}
            w.error_token = 0
            self._refresh(w, strip_again=True)
            keypad = self.config.keypad(w.number)
            if keypad is not None:
                self._send(beep_frame(keypad.address, 1, 200))
        elif kind == Events.WINDOW:
            view = push.get("window") or {}
            w = self.windows.get(view.get("number"))  # type: ignore[arg-type]
            if w is not None:
                w.view = view
                self._refresh(w)
        elif kind == Events.TICKET:
            await self._ticket_changed(push.get("change"), push.get("ticket") or {})

    async def _ticket_changed(self, change: Any, ticket: dict[str, Any]) -> None:
        w = self.windows.get(ticket.get("window"))  # type: ignore[arg-type]
        if w is None:
            return
        if change == "finished":
            evaluator = self.config.evaluator(w.number)
            if w.held_rating is not None and evaluator is not None:
                level, w.held_rating = w.held_rating, None
                self._spawn(self._evaluate(evaluator, w, level))
            else:
                self._ask(w.number)
        elif change in _UNRATEABLE and w.held_rating is not None:
            log.info(
                "window %d: %s was %s: its rating is dropped", w.number, ticket.get("label"), change
            )
            w.held_rating = None

    # -- the bus: out ------------------------------------------------------------------------
    def _refresh_all(self, force: bool = False) -> None:
        if force:
            self._sent.clear()
            for device in self.config.devices.values():
                if device.kind == "strip":
                    adapter = ADAPTERS[device.adapter]
                    if self.config.strip_brightness is not None:
                        self._send(adapter.brightness(device.address, self.config.strip_brightness))
                    idle = strip_idle_text(device.window, self.config.strip_lang)
                    self._send(adapter.idle(device.address, idle))
                elif device.kind == "evaluator":
                    self._send(idle_frame(device.address))
        for w in self.windows.values():
            self._refresh(w)

    def _refresh(self, w: WindowState, strip_again: bool = False) -> None:
        """Send what the window's keypad and strips should show, if it changed.

        ``strip_again``: send the strip even if unchanged (a recall flashes it again).
        """
        keypad = self.config.keypad(w.number)
        if keypad is not None and not w.error_token:
            self._send(
                display_frame(keypad.address, keypad_display(w.view)),
                slot=(keypad.address, "display"),
            )
        view = strip_view(w.number, w.view, w.call, self.config.strip_lang)
        for strip in self.config.of_kind("strip", w.number):
            adapter = ADAPTERS[strip.adapter]
            if view.text:
                data = adapter.show(strip.address, view.text, view.color, view.mode)
            else:
                data = adapter.clear(strip.address)
            self._send(data, slot=(strip.address, "strip"), force=strip_again)

    def _send(self, data: bytes, slot: tuple[int, str] | None = None, force: bool = False) -> None:
        """Queue ``data`` for the bus. ``slot`` (address, what): skip it when the device
        already shows it."""
        if slot is not None:
            if not force and self._sent.get(slot) == data:
                return
            self._sent[slot] = data
        self._writes.put(data)

    def _write_loop(self) -> None:
        while True:
            data = self._writes.get()
            if data is None:
                return
            if self.port.connected:  # while it is down the state is resent when it is back
                self.port.write(data)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("bridge: a handler failed", exc_info=task.exception())
