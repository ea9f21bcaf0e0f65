"""Shared by the browser tests: Debian's headless Chromium driven by Selenium with the system
chromedriver (given explicitly, so Selenium Manager never downloads anything)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: install the Debian packages "
    "chromium and chromium-driver to run the browser tests")


def start_chromium(profile: Path, *, page_load_strategy: str = "normal") -> Any:
    """A headless Chromium with a fresh profile and no background network traffic.
    ``page_load_strategy="none"``: ``get()`` returns at once (to time a page's first paint
    without waiting for its load event)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMEDRIVER.exists(), ("/usr/bin/chromedriver is missing: install the Debian "
                                   "package chromium-driver (it matches chromium's version)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.page_load_strategy = page_load_strategy
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait_for(driver: Any, condition: str, timeout: float = 15.0) -> None:
    """Poll a JS condition until it holds; fail with the condition after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not driver.execute_script(f"return Boolean({condition})"):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        time.sleep(0.1)
