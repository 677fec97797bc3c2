"""``python -m server.hub --config HALL.toml --db HALL.db``: the same as ``onetrip server``."""

import sys

from onetrip.cli import main

sys.exit(main(["server", *sys.argv[1:]]))
