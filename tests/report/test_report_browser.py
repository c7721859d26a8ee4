"""The default report (every section, the 42"/56" comparison included) renders in headless
Chromium from disk: no console error, a non-blank page, the key figures and the comparison in its
text, every image decoded, nothing fetched over the network.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Outside CI a
missing browser skips these tests; with ``CI`` set it fails them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: A rendered report has thousands of distinct colours (plots, text antialiasing); a blank or
#: unstyled page has a handful. 500 separates them with a wide margin either way (the blank
#: control page below has 1, the report's first 1280x2000 px about 2,400).
MIN_COLOURS = 500
#: Standard deviation of the grey level [0-255] over the screenshot: 0 for a blank page; text
#: and plots on white give well above 10 (the report about 29).
MIN_GREY_STD = 10.0


def _unavailable() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    return f"needs {', '.join(missing)}" if missing else None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium through chromedriver, with a fresh profile and browser logs kept."""
    why = _unavailable()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser test in CI {why} (.ci/run installs chromium, chromium-driver)")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.add_argument("--window-size=1280,2000")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: Any, path: Path) -> list[dict[str, Any]]:
    """Load a file, wait until it is complete; the browser log entries since the last call."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    entries: list[dict[str, Any]] = driver.get_log("browser")
    return entries


def _severe(entries: list[dict[str, Any]]) -> list[str]:
    return [str(e["message"]) for e in entries if e["level"] == "SEVERE"]


def _screenshot_stats(driver: Any) -> tuple[int, float]:
    """Distinct colours and grey-level standard deviation of a screenshot of the viewport."""
    from PIL import Image

    img = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    rgb = np.asarray(img).reshape(-1, 3)
    colours = len(np.unique(rgb, axis=0))
    return colours, float(rgb.mean(axis=1).std())


def test_controls_console_error_and_blank_page_are_detected(browser: Any, tmp_path: Path) -> None:
    """The checks below can fail: a console error is logged SEVERE, a blank page is blank."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title>"
        "<link rel='icon' href='data:,'></head><body>"
        "<script>console.error('deliberate control error')</script></body></html>",
        encoding="utf-8",
    )
    assert any("deliberate control error" in m for m in _severe(_open(browser, bad)))
    colours, std = _screenshot_stats(browser)
    assert colours < MIN_COLOURS
    assert std < MIN_GREY_STD


def test_report_renders_without_errors(
    browser: Any, psgp_full_report: Path, psgp_summary: dict[str, Any]
) -> None:
    log = _open(browser, psgp_full_report)
    assert _severe(log) == []
    colours, std = _screenshot_stats(browser)
    assert colours > MIN_COLOURS, colours
    assert std > MIN_GREY_STD, std
    text = browser.execute_script("return document.body.innerText")
    s = psgp_summary
    # the key figures as the summary cards print them
    assert f"{s['delivery_pressure_barg']:.2f} barg" in text  # 61.43 barg
    assert f"{s['throughput_mmscfd']:,.0f} MMSCFD" in text
    assert f"{s['linepack_mmscm']:.1f} MMSm³" in text
    assert f"{s['max_velocity_m_s']:.2f} m/s" in text
    assert "survival time" in text.lower()
    assert "Survival time:" in text  # the FSRU-trip transient ran and reports its result
    # every image decoded (a broken data: URI has naturalWidth 0)
    widths = browser.execute_script(
        "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert len(widths) >= 5  # route map, profile, three transient plots
    assert min(widths) > 100
    # nothing was fetched: no resource other than data: URIs
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('data:'))"
    )
    assert fetched == []


def test_report_shows_the_diameter_comparison(
    browser: Any, psgp_full_report: Path, psgp_design: dict[str, Any]
) -> None:
    """The 42"/56" comparison ran and its station table is in the page as the study gives it."""
    from selenium.webdriver.common.by import By

    _open(browser, psgp_full_report)
    text = browser.execute_script("return document.body.innerText")
    assert '42"/56" comparison' in text
    assert "not run (--no-design-study)" not in text
    table = browser.find_element(
        By.XPATH, "//table[caption[starts-with(., 'Stations per diameter and target')]]"
    )
    heads = [th.text for th in table.find_elements(By.XPATH, ".//thead//th")]
    rows = [
        [td.text for td in r.find_elements(By.TAG_NAME, "td")]
        for r in table.find_elements(By.XPATH, ".//tbody/tr")
    ]
    shown = {(r[heads.index("diameter")], r[heads.index("target [MMSCFD]")]): r for r in rows}
    expected = [(o, t) for o in psgp_design["options"] for t in o["targets"]]
    assert len(rows) == len(expected) == 4  # 42 and 56 in, 1,200 and 2,000 MMSCFD
    for o, t in expected:
        row = shown[(o["diameter"], f"{t['target_mmscfd']:,.0f}")]
        # the station count, and the power to the table's one decimal
        assert row[heads.index("stations [-]")] == str(t["n_stations"])
        assert row[heads.index("shaft power [MW]")] == f"{t['total_power_mw']:.1f}"
    counts = {(o["diameter"], round(t["target_mmscfd"])): t["n_stations"] for o, t in expected}
    # FACTS sec. 2 [A]: 56 in carries 1,200 MMSCFD without compression, 42 in does not
    assert counts[("56 in", 1200)] == 0
    assert counts[("42 in", 1200)] >= 1


def test_report_table_sorts_on_click(browser: Any, psgp_full_report: Path) -> None:
    """The inline script runs: clicking 'pressure [barg]' sorts the node table ascending."""
    from selenium.webdriver.common.by import By

    _open(browser, psgp_full_report)
    table = browser.find_element(By.XPATH, "//table[caption[starts-with(., 'Nodes')]]")
    header = table.find_element(By.XPATH, ".//th[.='pressure [barg]']")
    col = [th.text for th in table.find_elements(By.XPATH, ".//thead//th")].index("pressure [barg]")

    def column() -> list[float]:
        return [
            float(r.find_elements(By.TAG_NAME, "td")[col].get_attribute("data-v"))
            for r in table.find_elements(By.XPATH, ".//tbody/tr")
        ]

    before = column()
    assert len(before) >= 12
    assert before != sorted(before)  # along the route the pressure falls: not yet ascending
    browser.execute_script("arguments[0].scrollIntoView()", header)
    header.click()
    after = column()
    assert after == sorted(before)
    header.click()
    assert column() == sorted(before, reverse=True)
    assert _severe(browser.get_log("browser")) == []
