"""The SPARQL page's editor in headless Chromium: highlighting, completion of prefixes
and terms, a shipped query's parameters as form fields, results with labels, CSV and
JSON downloads, and share links that open the same query, all served by kg itself."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import shipped_courses
from .test_explorer_browser import open_page, set_query
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


def ready(page: Any) -> None:
    page.wait_for_function("() => document.body.dataset.ready === 'true' && document.querySelector('#editor .cm-content')")


def editor_text(page: Any) -> str:
    return str(page.evaluate("() => window.kgQueryPage.getQuery()"))


def accept_completion(page: Any) -> None:
    # CodeMirror ignores Enter for 75 ms after the list changes (interactionDelay), so a
    # keystroke racing an update is not taken as a choice.
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")


def real_errors(errors: list[str]) -> list[str]:
    # Chromium's own contenteditable typing may try a style attribute, which the page's
    # CSP blocks (CodeMirror redraws the line anyway); nothing else may fail.
    return [e for e in errors if "style-src" not in e]


def test_the_sparql_url_is_the_editor_for_a_browser(browser, base):
    page, outside, errors = open_page(browser, base, "/sparql")
    ready(page)
    assert page.title() == "kg SPARQL"
    assert page.locator("#editor .cm-editor").count() == 1
    assert not page.is_visible("#query")  # the plain textarea gives way to the editor
    # Highlighting: keywords, variables and prefixed names are styled differently.
    colour = "el => getComputedStyle(el).color"
    keyword = page.locator("#editor .cm-line span", has_text="SELECT").first.evaluate(colour)
    variable = page.locator("#editor .cm-line span", has_text="?topic").first.evaluate(colour)
    plain = page.locator("#editor .cm-line").first.evaluate(colour)
    assert len({keyword, variable, plain}) == 3
    assert outside == [] and real_errors(errors) == []


def test_type_and_complete_a_prefix_and_a_term(browser, base):
    page, outside, errors = open_page(browser, base, "/sparql")
    ready(page)
    page.wait_for_function("() => window.kgQueryPage && document.querySelectorAll('#kg-topics option').length > 100")
    set_query(page, "SELECT ?p WHERE {\n  \n}")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    page.keyboard.type("kgto")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    assert "kgtopic:" in page.text_content(".cm-tooltip-autocomplete")
    accept_completion(page)
    page.keyboard.type("backprop")
    page.wait_for_function(
        "() => (document.querySelector('.cm-tooltip-autocomplete') || {}).textContent?.includes('kgtopic:backpropagation')"
    )
    assert "Backpropagation" in page.text_content(".cm-tooltip-autocomplete")  # the label beside the id
    accept_completion(page)
    page.keyboard.type(" kg:req")
    page.wait_for_function(
        "() => (document.querySelector('.cm-tooltip-autocomplete') || {}).textContent?.includes('kg:requires')"
    )
    accept_completion(page)
    page.keyboard.type(" ?p")
    assert "kgtopic:backpropagation kg:requires ?p" in editor_text(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")  # runs the query
    page.wait_for_function("() => document.querySelectorAll('#results a.labelled').length > 0", timeout=30_000)
    assert "Chain rule" in page.text_content("#results")  # a label, with its prefixed name
    assert "kgtopic:chain-rule" in page.text_content("#results")
    assert outside == [] and real_errors(errors) == []


def test_shipped_query_parameters_labels_downloads_and_share(browser, base):
    page, outside, errors = open_page(browser, base, "/sparql")
    ready(page)
    page.select_option("#library", "prerequisite-closure")
    assert page.input_value("#param-topic") == "transformers"
    assert "VALUES ?topic { kgtopic:transformers }" in editor_text(page)
    page.fill("#param-topic", "attention")
    text = editor_text(page)
    assert "kgtopic:attention" in text and "transformers" not in text and "<https://" not in text
    page.click("#run")
    page.wait_for_function("() => document.querySelectorAll('#results a.labelled').length > 0", timeout=30_000)
    rows = page.eval_on_selector_all("#results tbody tr", "trs => trs.map(tr => tr.textContent)")
    assert any("Softmax" in r and "kgtopic:softmax" in r for r in rows)
    assert page.locator("#results a", has_text="Dot product").get_attribute("href") == "/resource/topic/dot-product"

    with page.expect_download() as got:
        page.click("#download-csv")
    download = got.value
    assert download.suggested_filename == "kg-results.csv"
    table = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert table[0][:2] == ["prerequisite", "label"] and len(table) == len(rows) + 1
    with page.expect_download() as got:
        page.click("#download-json")
    data = json.loads(open(got.value.path(), encoding="utf-8").read())
    assert len(data["results"]["bindings"]) == len(rows)

    page.click("#share")
    link = page.get_attribute("#share-link", "href")
    assert link.startswith(base + "/") and "#shipped=prerequisite-closure&topic=attention" in link
    other, outside2, errors2 = open_page(browser, base, link[len(base):])
    other.wait_for_function("() => document.querySelectorAll('#results tbody tr').length > 0", timeout=30_000)
    assert other.input_value("#library") == "prerequisite-closure"
    assert other.input_value("#param-topic") == "attention"
    assert other.eval_on_selector_all("#results tbody tr", "trs => trs.length") == len(rows)
    assert outside == outside2 == [] and real_errors(errors) == real_errors(errors2) == []


def test_share_a_written_query(browser, base):
    page, outside, errors = open_page(browser, base, "/sparql")
    ready(page)
    query = 'SELECT ?c ?name WHERE { ?c a schema:Course OPTIONAL { ?c schema:name ?name } } ORDER BY ?c # "quoted" & more'
    set_query(page, query)
    page.click("#run")
    rows = f"() => document.querySelectorAll('#results tbody tr').length === {len(shipped_courses())}"
    page.wait_for_function(rows, timeout=30_000)
    page.click("#share")
    link = page.get_attribute("#share-link", "href")
    assert "#query=" in link
    other, outside2, errors2 = open_page(browser, base, link[len(base):])
    other.wait_for_function(rows, timeout=30_000)
    assert editor_text(other) == query
    assert outside == outside2 == [] and real_errors(errors) == real_errors(errors2) == []
