"""Real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium not found: run `make test` (it installs Debian's chromium) or scripts/ensure_system_deps.sh")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (setup and checks, never concurrently with the page) are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_context(browser):
    """Opens browser contexts for one test (several users side by side: a Chinese locale unless told)
    and closes every one after it, also when the test fails. A context left open keeps its pages
    talking to the live server while the next test empties the database under them."""
    opened = []

    def open_(**options):
        context = browser.new_context(**{"locale": "zh-CN", **options})
        opened.append(context)
        return context

    yield open_
    for context in opened:
        context.close()


@pytest.fixture
def page(open_context):
    page = open_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture(scope="session", autouse=True)
def _static_served_as_installed():
    """pytest-django's live server answers /static/ itself, from the app folders by their plain
    names; pages name the collected files by their hashed names. Let the request through to the
    app instead, where whitenoise serves STATIC_ROOT (compressed, hashed) as in an installation."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda self, path: False
    yield
    StaticFilesHandler._should_handle = original
