"""The ``onetrip`` command: the one layer that may know every other (server, hardware, apps)."""
