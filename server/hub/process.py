"""A hall server in its own process: how tests, benchmarks and the demo start one.

``HubProcess`` runs ``onetrip server`` on 127.0.0.1, waits for its "listening" line and keeps
the port it reports (``port=0``: any free one, the same one on restart). ``free_port`` finds a
port for what must know it before it starts (the demo's public URL, virtual printers).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Self

ROOT = Path(__file__).resolve().parents[2]  # where ``python -m server.hub`` finds the packages


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class HubProcess:
    """``onetrip server`` in a subprocess on 127.0.0.1; ``start()`` waits for its "listening"
    line and keeps the port it reports.

    Its log (stderr) goes to ``log_path``, ``<db>.log`` unless a subclass sets another, and
    not to a pipe: nobody reads one, and a long-lived server would block once it is full."""

    def __init__(
        self,
        config_path: Path,
        db: Path,
        port: int = 0,
        extra: Sequence[str] = (),
        own_group: bool = False,
    ) -> None:
        """``own_group``: in a process group of its own, so that a Ctrl-C in the terminal
        reaches only the parent, which stops the server when it is ready to (the demo)."""
        self.config_path, self.db, self.port, self.extra = config_path, db, port, tuple(extra)
        self.own_group = own_group
        self.log_path = db.with_name(db.name + ".log")
        self.proc: subprocess.Popen[str] | None = None

    def _stderr(self) -> IO[str]:
        """Where the server's log goes: an open file, closed here once the child has it."""
        return self.log_path.open("a", encoding="utf-8")  # appended to across restarts

    def _exit_report(self) -> str:
        """What to say when the server ends before it listens: its exit code and log tail."""
        assert self.proc is not None
        code = self.proc.wait()
        return f"{code} {self.log_path.read_text(encoding='utf-8', errors='replace')[-2000:]}"

    def start(self, timeout: float = 15.0) -> Self:
        stderr = self._stderr()
        group: dict[str, Any] = {}
        if self.own_group and sys.platform == "win32":
            group["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        elif self.own_group:
            group["start_new_session"] = True
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server.hub", "--config", str(self.config_path),
                 "--db", str(self.db), "--host", "127.0.0.1", "--port", str(self.port),
                 *self.extra],
                cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, text=True,
                stdout=subprocess.PIPE, stderr=stderr, **group,
            )  # fmt: skip
        finally:
            stderr.close()  # the child has its own copy
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited: {self._exit_report()}")
            m = re.search(r"listening on ws://[\d.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return self
        raise TimeoutError("the server did not report its port")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_uri(self) -> str:
        """The hall database, read-only, for sqlite3.connect(..., uri=True)."""
        return f"file:{self.db}?mode=ro"

    def kill(self) -> None:
        """SIGKILL: nothing is flushed on the way out."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> int:
        """SIGTERM, and SIGKILL if it has not ended in 10 s; its exit code."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait(5)
        return self.proc.returncode if self.proc else 0

    def restart(self) -> Self:
        """Stop and start again on the same port and database."""
        self.stop()
        return self.start()
