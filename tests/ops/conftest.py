"""Fixtures of the operator tests."""

from __future__ import annotations

import pytest
from ops.opskit import Hall, write


@pytest.fixture(scope="session")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Hall:
    return write(tmp_path_factory.mktemp("ops-hall"))
