"""The production-install test takes a minute or two (a clean venv, ``pip install .``, the demo, a real
server): it runs in its own step of ``make test`` (``make test-install``, i.e. ``pytest -m install``)
and is skipped in every other run, so the everyday ``pytest`` stays fast."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "install" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="run by `make test-install` (pytest -m install tests/install)")
    for item in items:
        if "install" in item.keywords:
            item.add_marker(skip)
