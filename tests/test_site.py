"""The built site, checked in a real headless browser (Debian's chromium driven by Playwright).

On every page of the table of contents: math is typeset by the MathJax copy served from the site (no MathJax
error, no raw TeX left), every image has loaded, the console shows no error, no request failed and nothing was
requested from another host; a solution dropdown opens when clicked; every animation player of a page that draws
one is present, has alt text and steps to its next frame.

The site is the one `make test` builds (SITE_DIR, by default _build/test/_build/html, else _build/html). Without
chromium the test skips locally with instructions; under CI=true a missing browser or site is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def site_dir() -> Path | None:
    candidates = [os.environ.get("SITE_DIR"), "_build/test/_build/html", "_build/html"]
    for candidate in filter(None, candidates):
        path = (ROOT / candidate).resolve()
        if (path / "index.html").is_file():
            return path
    return None


def unavailable(reason: str):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def toc_pages() -> list[str]:
    text = (ROOT / "_toc.yml").read_text()
    entries = re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)\s*$", text, flags=re.MULTILINE)
    return [f"{e.removesuffix('.ipynb').removesuffix('.md')}.html" for e in entries]


def page_has_math_source(page: str) -> bool:
    stem = ROOT / page.removesuffix(".html")
    for suffix in (".md", ".ipynb"):
        source = stem.with_suffix(suffix)
        if source.is_file():
            return "$" in source.read_text()
    return False


@pytest.fixture(scope="module")
def server():
    site = site_dir()
    if site is None:
        unavailable("no built site found: run `make test` (or `make book`) first")
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        unavailable(
            f"chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
            "(Debian/Ubuntu) or set CHROMIUM=/path/to/chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        unavailable("playwright is not installed: pip install -r requirements.txt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# A common laptop width; the secondary sidebar (page contents) is shown from 1200 px on.
VIEWPORT = {"width": 1280, "height": 800}


def visit(browser, url: str):
    """Open url in a fresh context; return the page and the problems seen while loading it."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    problems: list[str] = []
    origin = urlparse(url).netloc
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def check_host(request):
        host = urlparse(request.url).netloc
        if request.url.startswith(("http://", "https://")) and host != origin:
            problems.append(f"external request: {request.url}")

    page.on("request", check_host)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, problems


PAGES = toc_pages()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_offline(server, browser, page_path):
    context, page, problems = visit(browser, f"{server}/{page_path}")
    try:
        assert page.title(), f"{page_path} has no title"
        # Sphinx loads MathJax only on pages that contain math.
        has_mathjax = page.evaluate("() => typeof window.MathJax !== 'undefined'")
        if page_has_math_source(page_path):
            assert has_mathjax, f"{page_path}: MathJax did not load"
        if has_mathjax:
            page.evaluate("() => MathJax.startup.promise")
            typeset = page.locator("mjx-container").count()
            errors = page.locator("mjx-merror").count()
            assert errors == 0, f"{page_path}: {errors} MathJax errors"
            if page_has_math_source(page_path):
                assert typeset > 0, f"{page_path}: the source has math but nothing was typeset"
        raw = page.evaluate(
            "() => Array.from(document.querySelectorAll('span.math, div.math'))"
            ".filter(e => !e.querySelector('mjx-container')).length"
        )
        assert raw == 0, f"{page_path}: {raw} math elements left as raw TeX"
        broken = page.evaluate(
            "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert broken == [], f"{page_path}: images that did not load: {broken}"
        hidden = page.evaluate(
            "() => Array.from(document.querySelectorAll('div.cell_input pre, div.cell_output pre'))"
            ".filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".map(e => e.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b))"
        )
        assert hidden == [], (f"{page_path}: code or output wider than the page at "
                              f"{VIEWPORT['width']} px; longest lines:\n" + "\n".join(hidden))
        assert problems == [], f"{page_path}:\n" + "\n".join(problems)
    finally:
        context.close()


def test_mathjax_is_served_by_the_site(server, browser):
    context, page, problems = visit(browser, f"{server}/{PAGES[0]}")
    try:
        sources = page.evaluate("() => Array.from(document.scripts).map(s => s.src).filter(s => /mathjax/i.test(s))")
        assert sources, "no MathJax script tag"
        assert all(s.startswith(server) for s in sources), sources
        assert page.evaluate("() => MathJax.version").startswith("3.")
    finally:
        context.close()


def chapter_with_solutions() -> str:
    for page in PAGES:
        source = ROOT / page.replace(".html", ".ipynb")
        if source.is_file() and "{solution-start}" in source.read_text():
            return page
    pytest.fail("no chapter in the table of contents has a solution")


def test_solution_dropdown_opens(server, browser):
    page_path = chapter_with_solutions()
    context, page, problems = visit(browser, f"{server}/{page_path}")
    try:
        solution = page.locator("div.solution.dropdown").first
        body = solution.locator("section").first
        assert not body.is_visible(), "a solution is visible before it is opened"
        # The title also holds a link back to the exercise: click the toggle button itself.
        solution.locator("button.toggle-button").first.click()
        body.wait_for(state="visible", timeout=5000)
        assert body.is_visible()
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def pages_with_players() -> list[str]:
    """Pages whose notebook draws an animation (gdlab.plots.animate_paths or parameter_player)."""
    found = []
    for page in PAGES:
        source = ROOT / page.replace(".html", ".ipynb")
        if source.is_file() and re.search(r"animate_paths\(|parameter_player\(", source.read_text()):
            found.append(page)
    return found


@pytest.mark.parametrize("page_path", pages_with_players() or ["(none)"])
def test_animation_players_are_present_and_step(server, browser, page_path):
    if page_path == "(none)":
        pytest.skip("no page draws an animation yet")
    context, page, problems = visit(browser, f"{server}/{page_path}")
    try:
        players = page.locator("div.animation")
        count = players.count()
        assert count >= 1, f"{page_path}: the notebook draws an animation but the page has no player"
        for k in range(count):
            player = players.nth(k)
            image = player.locator("img[id^='_anim_img']")
            slider = player.locator("input.anim-slider")
            assert image.count() == 1 and slider.count() == 1, f"{page_path}: player {k} is incomplete"
            page.wait_for_function("s => Number(s.max) > 0", arg=slider.element_handle(), timeout=5000)
            assert image.get_attribute("alt"), f"{page_path}: player {k} has no alt text"
            first = image.get_attribute("src")
            player.locator("button[title='Next frame']").click()
            page.wait_for_function("([img, before]) => img.src !== before",
                                   arg=[image.element_handle(), first], timeout=5000)
            assert slider.input_value() == "1", f"{page_path}: player {k} did not step to frame 1"
        assert problems == [], f"{page_path}:\n" + "\n".join(problems)
    finally:
        context.close()
