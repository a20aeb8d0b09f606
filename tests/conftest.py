"""Shared fixtures: the personas every permission test uses, and a small industrial system."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lianzhao.paths import data_dir


def _data_available() -> bool:
    try:
        data_dir()
    except Exception:
        return False
    return True


DATA_AVAILABLE = _data_available()
needs_data = pytest.mark.skipif(not DATA_AVAILABLE, reason="reference data folder (LIANZHAO_DATA_DIR) not found")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 hasher takes ~0.3 s per user on a 2-core machine; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # Uploaded evidence files go to a throwaway folder, never to the install's var/uploads.
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def departments(db):
    from lianzhao.accounts.models import Department

    return {
        "a": Department.objects.create(code="dept-a", name="投资促进一科"),
        "b": Department.objects.create(code="dept-b", name="投资促进二科"),
    }


@pytest.fixture
def personas(db, departments):
    """admin, leader, analyst, officer_a (department A), officer_b (department B), norole."""
    from lianzhao.accounts.models import User

    def make(username, role, department=None, **extra):
        user = User(username=username, role=role, department=department, display_name=username, **extra)
        user.set_password("pass-12345")
        user.save()
        return user

    return {
        "admin": make("admin", "admin", is_staff=True, is_superuser=True),
        "leader": make("leader", "leader"),
        "analyst": make("analyst", "analyst"),
        "officer_a": make("officer_a", "officer", departments["a"]),
        "officer_b": make("officer_b", "officer", departments["b"]),
        "norole": make("norole", ""),
    }


@pytest.fixture
def industry(db):
    from lianzhao.industries.models import ChainNode, Industry

    nev = Industry.objects.create(name="新能源汽车", slug="nev", kind="leading", source="测试")
    battery = ChainNode.objects.create(industry=nev, key="t-battery", name="动力电池", position="upstream",
                                       gbt_codes=["3841"])
    ChainNode.objects.create(industry=nev, key="t-vehicle", name="整车", position="midstream",
                             gbt_codes=["3612"], parent=battery)
    return nev


@pytest.fixture
def investor(db):
    from lianzhao.enterprises.models import Enterprise

    return Enterprise.objects.create(name="测试·某电池公司", gbt_code="3841", is_sample=True)


@pytest.fixture
def make_project(db, departments, industry, investor):
    """Build a project directly in a given stage (test setup, not a workflow path)."""
    from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, ProjectStage
    from lianzhao.projects.models import InvestmentProject

    counter = {"n": 0}

    def make(stage="lead", department="a", **extra):
        counter["n"] += 1
        values = {
            "name": f"测试项目{counter['n']}", "investor": investor, "industry": industry,
            "amount": Decimal("10.00"), "method": "referral", "stage": stage,
            "department": departments[department],
        }
        reached = stage if stage in PIPELINE else extra.get("paused_from") or ProjectStage.LEAD
        for s in PIPELINE[: PIPELINE.index(reached) + 1]:
            values[STAGE_DATE_FIELD[s]] = dt.date(2025, 1, 1) + dt.timedelta(days=PIPELINE.index(s))
        if PIPELINE.index(reached) >= PIPELINE.index(ProjectStage.SIGNED):
            values["signed_amount"] = Decimal("10.00")
        values.update(extra)
        return InvestmentProject.objects.create(**values)

    return make


def login(client, user):
    client.force_login(user)
    return client
