"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest
from support import PIN, make_config

from shared.hallconfig import HallConfig
from shared.sample import render


@pytest.fixture(scope="session")
def sample_toml() -> str:
    """The sample hall with every PIN 123456 (cheaply hashed) and fresh device tokens."""
    text, _ = render(PIN, fast=True)
    return text


@pytest.fixture(scope="session")
def config(sample_toml: str) -> HallConfig:
    return make_config(sample_toml)


@pytest.fixture(scope="session")
def open_config(sample_toml: str) -> HallConfig:
    """The sample hall open day and night (no [hours]), for tests about other rules."""
    return make_config(sample_toml, hours=None)
