"""Headless Chromium from the system's packages (Debian: ``chromium``, ``chromium-driver``),
driven by Selenium: the web board's tests and its screenshot. Nothing is downloaded: the
driver and the browser are the ones installed, or there is no browser."""

from __future__ import annotations

import os
import shutil
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--autoplay-policy=user-gesture-required",
)


def _first(paths: tuple[str, ...], name: str) -> str | None:
    for path in paths:
        if os.path.exists(path):
            return path
    return shutil.which(name)


def found() -> tuple[str, str] | None:
    browser = _first(BROWSERS, "chromium")
    driver = _first(DRIVERS, "chromedriver")
    return (browser, driver) if browser and driver else None


def chromium(width: int = 1920, height: int = 1080, *, tz: str | None = None) -> Any:
    """A headless Chromium of the window size given; ``tz`` is the browser's own time zone
    (a TV box set to UTC). None when no browser is installed."""
    paths = found()
    if paths is None:
        return None
    browser, driver = paths
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--window-size={width},{height}")
    env = {**os.environ}
    if tz:
        env["TZ"] = tz
    service = Service(executable_path=driver, env=env)
    chrome = webdriver.Chrome(service=service, options=options)
    # the page itself gets exactly this size, as on a TV (the window's frame is not counted)
    chrome.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    return chrome
