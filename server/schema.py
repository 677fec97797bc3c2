"""The version of the hall database's schema this onetrip writes (``PRAGMA user_version``).

Apart from ``server.store``, which migrates a file up to it, so that a reader that only checks
the version (a report, a start-up check) does not import the store's SQLite layer.
"""

SCHEMA_VERSION = 4
