"""How every onetrip program logs: one line per meaningful thing, as text or as JSON.

``text``: ``2026-12-01 09:00:00,123 INFO onetrip.hub: message``. ``json``: one object a line
(``time``, ``level``, ``logger``, ``message``, and ``error`` with the traceback if any) for a
hall that ships its logs. The websockets library's own line per HTTP request and connection
(two for each ``/healthz`` hit) shows only with ``--verbose``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that say something for every connection: quiet below WARNING unless --verbose.
CHATTY = ("onetrip.hub.ws", "websockets")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup(verbose: bool = False, fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)
