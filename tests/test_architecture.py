"""The import contracts hold: the maths core (lianzhao.econ, lianzhao.refdata) never imports Django or
any web app, and the Django apps import only the layers below them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout and "The Django apps in layers" in result.stdout
    assert "The framework-free core in layers" in result.stdout
    assert "Nothing that scores companies can read the evaluation label" in result.stdout


def test_econ_and_refdata_import_without_django_configured():
    code = (
        "import sys, lianzhao.econ, lianzhao.refdata.gbt4754, lianzhao.refdata.divisions, "
        "lianzhao.refdata.uscc, lianzhao.refdata.nbs, lianzhao.cli.io\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def test_every_model_change_has_a_migration(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
