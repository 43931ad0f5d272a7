"""The `kg serve` explorer page in headless Chromium: pick a shipped query, run it, follow
a result link to a resource page; nothing is fetched from anywhere but the server, and
the page's Content-Security-Policy lets its own script run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_server import running_server
from .conftest import CHROMIUM

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install -y chromium)",
)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running_server() as url:
        yield url


def open_page(browser: Any, base: str, path: str = "/explorer") -> tuple[Any, list[str], list[str]]:
    page = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(base + path)
    return page, outside, errors


def set_query(page: Any, text: str) -> None:
    """Replace the editor's text through the page's own API (typing is tested in
    test_editor_browser.py; Chromium's insertText trips the page's style CSP)."""
    page.wait_for_function("() => window.kgQueryPage && document.querySelector('#editor .cm-content')")
    page.evaluate("t => window.kgQueryPage.setQuery(t)", text)


def test_run_a_shipped_query_and_follow_a_link(browser, base):
    page, outside, errors = open_page(browser, base)
    page.wait_for_function("() => document.querySelectorAll('#library option').length > 12")
    page.select_option("#library", "hub-topics")
    assert "kg:requires" in page.input_value("#query")
    assert page.text_content("#description")
    page.click("#run")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length > 0", timeout=30_000)
    headers = page.eval_on_selector_all("#results th", "ths => ths.map(t => t.textContent)")
    assert headers[:2] == ["topic", "label"]
    assert "rows" in page.text_content("#status")
    link = page.locator("#results a").first
    href = link.get_attribute("href")
    assert href.startswith("/resource/topic/")
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith(base + "/resource/topic/")
    assert page.locator("h1").text_content()
    assert outside == [] and errors == []


def test_errors_and_construct_in_the_page(browser, base):
    page, outside, errors = open_page(browser, base)
    set_query(page, "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    page.wait_for_selector("#results pre.error")
    assert "invalid SPARQL" in page.text_content("#results pre.error")
    set_query(page, "CONSTRUCT { ?c a kg:Course } WHERE { ?c a kg:Course }")
    page.click("#run")
    page.wait_for_function("() => (document.querySelector('#results pre') || {}).textContent?.includes('Course')")
    # the browser logs the intended 400 itself; nothing else may fail
    assert outside == [] and all("status of 400" in e for e in errors)


def test_results_are_text_not_markup(browser, base, tmp_path: Path):
    page, outside, errors = open_page(browser, base)
    set_query(page, 'SELECT ?x WHERE { BIND("<img src=x onerror=\\"window.__pwned=1\\">" AS ?x) }')
    page.click("#run")
    page.wait_for_function("() => document.querySelectorAll('#results td').length === 1")
    assert "<img" in page.text_content("#results td")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#results img").count() == 0
    assert outside == [] and errors == []
