"""Chinese by default, English through Django i18n: the language comes from the switcher's cookie,
never from the browser; what lianzhao writes (timelines, audit rows, spreadsheets, reports sent
upward) stays Chinese whatever the UI language; the English catalogue is complete and compiled."""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lianzhao.audit.models import AuditRecord
from lianzhao.core.i18n import data_label
from lianzhao.paths import PACKAGE_DIR
from lianzhao.projects.choices import ProjectStage
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from tests.conftest import needs_data

PO = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
#: Corrections of Django's own Chinese messages (lianzhao's strings are Chinese in the code).
ZH_PO = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
NAV_EN = ["Dashboard", "Industry chains", "Gap analysis", "Projects", "Enterprises", "Dispatch"]
NAV_ZH = ["驾驶舱", "产业链", "补链分析", "招商项目", "企业库", "统筹调度"]


def _choose(client, language: str):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    return client


def _nav(body: str) -> str:
    return re.search(r'<header class="topbar">.*?<nav>(.*?)</nav>', body, re.S).group(1)


def _demo_pages() -> dict[str, tuple[str, list[str]]]:
    project = InvestmentProject.objects.filter(stage="negotiating").order_by("pk").first()
    return {
        "dashboard": (reverse("dashboard"), ["Investment dashboard", "Project funnel", "Negotiating",
                                             "Signed and funds in place (each counted once)",
                                             "Definition ("]),
        "projects": (reverse("project_list"), ["Attraction method", "Planned investment (100 million yuan)",
                                               "Negotiating", "Export the filtered list (Excel)"]),
        "project": (reverse("project_detail", args=[project.pk]), ["Project details", "Current stage: ",
                                                                    "Negotiating", "Milestone plan",
                                                                    "Change history"]),
        "industry": (reverse("industry_detail", args=["nev"]), ["Chain map", "Chain nodes", "Upstream",
                                                                "Midstream", "Downstream"]),
        "gaps": (reverse("gap_detail", args=["nev"]), ["chain: fill · strengthen · extend", "Nodes", "Fill",
                                                       "Strengthen", "Basis of the calculation",
                                                       "Classification rules and thresholds"]),
    }


# --- choosing the language -----------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("page", ["dashboard", "projects", "project", "industry", "gaps"])
def test_english_chosen_with_the_switcher_translates_the_page(client, demo, page):
    client.force_login(_user("leader"))
    _choose(client, "en")
    url, expected = _demo_pages()[page]
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body and response["Content-Language"] == "en"
    nav = _nav(body)
    assert all(f">{label}</a>" in nav for label in NAV_EN)
    assert not CJK.search(nav), "Chinese left in the navigation"
    assert "Log out" in body and "an open-source platform" in body
    for text in expected:
        assert text in body, text


@needs_data
@pytest.mark.parametrize("page", ["dashboard", "projects", "project", "industry", "gaps"])
def test_without_the_cookie_the_ui_stays_chinese_even_for_an_english_browser(client, demo, page):
    client.force_login(_user("leader"))
    url, _ = _demo_pages()[page]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body and response["Content-Language"] == "zh-hans"
    assert all(f">{label}</a>" in _nav(body) for label in NAV_ZH)
    assert "Dashboard" not in body and "Negotiating" not in body


def test_an_unknown_language_cookie_falls_back_to_chinese(client, personas):
    client.force_login(personas["leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="zh-hans">' in body and "招商驾驶舱" in body


def test_switching_back_to_chinese(client, personas):
    client.force_login(personas["leader"])
    _choose(client, "en")
    assert "Investment dashboard" in client.get(reverse("dashboard")).content.decode()
    _choose(client, "zh-hans")
    assert "招商驾驶舱" in client.get(reverse("dashboard")).content.decode()


def test_a_request_in_english_leaves_the_thread_in_chinese(client, personas):
    client.force_login(personas["leader"])
    _choose(client, "en")
    client.get(reverse("dashboard"))
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert ProjectStage.NEGOTIATING.label == "洽谈"


def _user(username):
    from lianzhao.accounts.models import User

    return User.objects.get(username=username)


# --- what lianzhao writes stays Chinese -----------------------------------------------------------

def test_choice_labels_are_strings_in_the_active_language():
    assert "、".join(ProjectStage.labels[:3]) == "线索、接洽、洽谈"
    with translation.override("en"):
        assert ProjectStage.SIGNED.label == "Signed" and isinstance(ProjectStage.SIGNED.label, str)
        assert data_label(ProjectStage.SIGNED) == "签约"
        assert str(dict(ProjectStage.choices)["full_capacity"]) == "At full capacity"


def test_a_stage_change_made_in_english_is_recorded_in_chinese(client, personas, make_project):
    project = make_project(stage="lead")
    client.force_login(personas["officer_a"])
    _choose(client, "en")
    response = client.post(reverse("project_stage", args=[project.pk]),
                           {"to_stage": "contacted", "on": "2025-03-01", "from_stage": "lead"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stage updated." in body and "Contacted" in body
    event = ProjectEvent.objects.filter(project=project, to_stage="contacted").get()
    assert event.text == ""  # the entry names its stages itself, in the reader's language
    record = AuditRecord.objects.filter(model_name="investmentproject", object_id=str(project.pk)).latest("at")
    assert record.reason == "阶段变更：线索 → 接洽"


def test_services_write_chinese_whoever_calls_them(personas, make_project):
    # No view around them: the services apply the data language themselves (in_data_language).
    import datetime as dt
    from decimal import Decimal

    from lianzhao.projects import services

    project = make_project(stage="signed", signed_date=dt.date(2025, 1, 4))
    with translation.override("en"):
        event = services.change_stage(project, "registered", acting_user=personas["officer_a"],
                                      on=dt.date(2025, 3, 1), evidence={"registered_uscc": _valid_uscc()})
        change = services.record_investment_change(project, kind="capital_increase", on=dt.date(2025, 3, 2),
                                                   amount=Decimal("2"), acting_user=personas["officer_a"])
    assert event.text == "" and event.params == {"registered_uscc": _valid_uscc()}
    record = AuditRecord.objects.filter(model_name="investmentproject", object_id=str(project.pk)).latest("at")
    assert record.reason == "阶段变更：签约 → 注册"
    assert ProjectEvent.objects.get(project=project, kind="investment_change").text == "增资：2.00 亿元"
    assert change.delta == Decimal("2.00")


def test_a_lights_reasons_name_stages_in_chinese_whatever_the_language(make_project):
    import datetime as dt

    from lianzhao.projects.models import TrafficLightRule

    project = make_project(stage="paused", paused_from="negotiating")
    with translation.override("en"):
        info = project.light_info(dt.date(2025, 6, 1), TrafficLightRule.load())
    assert info.reason == "项目暂缓中（暂缓前：洽谈）"


def _valid_uscc() -> str:
    from lianzhao.refdata.uscc import check_character

    return "91370215MA3C12345" + check_character("91370215MA3C12345")


def test_audit_rows_name_objects_in_chinese_whatever_the_language(industry):
    from lianzhao.audit.services import record_change
    from lianzhao.industries.models import Industry, IndustryLink

    other = Industry.objects.create(name="新能源", slug="energy", kind="leading")
    link = IndustryLink.objects.create(source=industry, target=other, kind="energy_storage")
    with translation.override("en"):
        record = record_change(actor=None, action="create", obj=link, before=None, after={})
    assert record.object_repr == "新能源汽车 → 新能源（储能路径）"


def test_spreadsheets_downloaded_in_english_are_the_chinese_format(client, personas, make_project):
    make_project(stage="negotiating")
    client.force_login(personas["leader"])
    _choose(client, "en")
    template = load_workbook(io.BytesIO(client.get(reverse("project_import_template")).content))
    headers = [c.value for c in template["项目"][1]]
    assert "接洽日期" in headers and "达产日期" in headers
    export = load_workbook(io.BytesIO(client.get(reverse("project_export")).content))
    cells = {c.value for row in export["项目"].iter_rows() for c in row}
    assert "洽谈" in cells and "以商招商" in cells and "Negotiating" not in cells


def test_the_weekly_report_sent_upward_stays_chinese_in_english(client, personas, make_project):
    make_project(stage="negotiating")
    client.force_login(personas["leader"])
    _choose(client, "en")
    page = client.get(reverse("weekly_report")).content.decode()
    assert "Weekly dispatch report" in page and "（一）按阶段" in page and "洽谈" in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("weekly_report") + "?format=xlsx").content))
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "洽谈" in cells and "以商招商" in cells
    assert not any(word in cells for word in ("Negotiating", "Lead", "Business referral"))


@needs_data
def test_the_gap_report_downloaded_in_english_stays_chinese(client, demo):
    client.force_login(_user("leader"))
    _choose(client, "en")
    workbook = load_workbook(io.BytesIO(client.get(reverse("gap_export_xlsx", args=["nev"])).content))
    cells = {str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value}
    assert {"上游", "补链"} <= cells and not {"Upstream", "Fill"} & cells


# --- the catalogue ----------------------------------------------------------------------------------

def _unquote(lines: list[str]) -> str:
    text = "".join(re.match(r'^(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*"(.*)"$', line).group(1)
                   for line in lines)
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file (obsolete ``#~`` entries left out): msgid (``context\x04msgid`` when the
    entry has a msgctxt, as gettext keys it), msgid_plural, msgstr list, flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        flags = {f.strip() for line in lines if line.startswith("#,") for f in line[2:].split(",")}
        fields: dict[str, list[str]] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = []
            fields[key].append(line)
        if "msgid" not in fields:
            continue
        strs = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        msgid = _unquote(fields["msgid"])
        if "msgctxt" in fields:
            msgid = _unquote(fields["msgctxt"]) + "\x04" + msgid
        entries.append({"msgid": msgid, "plural": _unquote(fields.get("msgid_plural", [])),
                        "msgstr": strs, "flags": flags})
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)s|\{[a-z_]+\}", text))


def test_every_msgid_has_an_english_msgstr_with_the_same_placeholders():
    entries = [e for e in read_po(PO) if e["msgid"]]
    assert len(entries) > 600
    header = next(e for e in read_po(PO) if not e["msgid"])
    assert "fuzzy" not in header["flags"] and "Language: en" in header["msgstr"][0]
    for e in entries:
        assert "fuzzy" not in e["flags"], e["msgid"]
        assert e["msgstr"] and all(s.strip() for s in e["msgstr"]), f"untranslated: {e['msgid']}"
        for s in e["msgstr"]:
            assert _placeholders(s) == _placeholders(e["msgid"]), e["msgid"]
            assert not CJK.search(s), f"Chinese left in the translation of {e['msgid']}"


@pytest.mark.parametrize("po", [PO, ZH_PO], ids=["en", "zh_Hans"])
def test_the_compiled_catalogue_matches_the_po_file(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run `make messages` (compilemessages) and commit django.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for e in read_po(po):
        if not e["msgid"]:
            continue
        if e["plural"]:
            expected.update({(e["msgid"], i): s for i, s in enumerate(e["msgstr"])})
        else:
            expected[e["msgid"]] = e["msgstr"][0]
    assert {k: v for k, v in compiled.items() if k != ""} == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("po", [PO, ZH_PO], ids=["en", "zh_Hans"])
def test_msgfmt_accepts_the_catalogue(po):
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
                    reason="GNU gettext (xgettext, msgmerge, msguniq) is not installed")
def test_makemessages_would_add_no_msgid(tmp_path):
    """Every string marked in the code and templates is in the catalogue, and nothing stale is."""
    tree = tmp_path / "lianzhao"
    shutil.copytree(PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[tree / "locale"]):
            call_command("makemessages", locale=["en"], verbosity=0)
    finally:
        os.chdir(cwd)
    regenerated = {(e["msgid"], e["plural"]) for e in read_po(tree / "locale/en/LC_MESSAGES/django.po")}
    committed = {(e["msgid"], e["plural"]) for e in read_po(PO)}
    assert regenerated - committed == set(), "new strings: run `make messages` and translate them"
    assert committed - regenerated == set(), "strings no longer used: run `make messages`"


# --- every label of the pages, forms included ---------------------------------------------------------

class _UiText(HTMLParser):
    """The interface's own words on a page: labels, legends, table and list headings, buttons,
    headings of cards, 口径 lines, help texts of forms, and the placeholder, aria-label and alt
    attributes. Data is left out — option lists (names of industries, departments …), cells, the
    report tables sent upward (Chinese by design), scripts — so Chinese found here is a label
    someone forgot to translate."""

    TAGS = {"label", "legend", "th", "dt", "button", "h2", "h3"}
    SKIP_TAGS = {"option", "optgroup", "script", "style", "textarea", "datalist", "select", "td"}
    SKIP_CLASSES = {"report-table", "crumbs", "source", "sheet-title"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, collected)
        self.found: list[str] = []
        self.forms = 0

    def _skipping(self) -> bool:
        return any(skip for _, skip, _ in self.stack)

    def _collecting(self) -> bool:
        return any(collect for _, _, collect in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "form":
            self.forms += 1
        skip = tag in self.SKIP_TAGS or bool(classes & self.SKIP_CLASSES) or a.get("id") == "light-reasons"
        collect = (tag in self.TAGS or "definition" in classes or "button" in classes
                   or (self.forms and {"muted", "small"} <= classes))
        if not self._skipping() and not skip:
            for name in ("placeholder", "aria-label", "alt"):
                if a.get(name):
                    self.found.append(a[name])
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.stack.append((tag, skip, collect))

    def handle_endtag(self, tag):
        if tag == "form":
            self.forms -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and self._collecting() and not self._skipping():
            self.found.append(data.strip())


def _english_pages(demo_users) -> list[tuple[str, str]]:
    """(user, url) of the main pages, each with its forms."""
    from lianzhao.accounts.models import Department

    signed = InvestmentProject.objects.filter(stage="signed", department__code="invest-1").order_by("pk").first() or \
        InvestmentProject.objects.filter(department__code="invest-1").order_by("pk").first()
    department = Department.objects.get(code="invest-1")
    return [
        ("leader", reverse("dashboard")), ("leader", reverse("dashboard") + "?period=2025-Q1"),
        ("leader", reverse("project_list")), ("officer", reverse("project_create")),
        ("officer", reverse("project_detail", args=[signed.pk])), ("officer", reverse("project_edit", args=[signed.pk])),
        ("officer", reverse("project_plan", args=[signed.pk])), ("officer", reverse("my_projects")),
        ("officer", reverse("project_import")), ("admin", reverse("targets")),
        ("admin", reverse("target_edit", args=[2025, department.pk])), ("leader", reverse("dispatch_analytics")),
        ("leader", reverse("audit_list") + f"?project={signed.pk}"),
    ]


@needs_data
def test_every_label_of_the_main_pages_and_their_forms_is_translated(client, demo_users):
    untranslated = {}
    for username, url in _english_pages(demo_users):
        client.force_login(demo_users["officer_a" if username == "officer" else username])
        _choose(client, "en")
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _UiText()
        parser.feed(response.content.decode())
        assert parser.found, url
        chinese = sorted({text for text in parser.found if CJK.search(text)})
        if chinese:
            untranslated[url] = chinese
    assert untranslated == {}, "labels left in Chinese in English pages"


def test_chart_texts_come_translated_from_the_page(client, personas):
    """The funnel tooltip, bar units and every other word a chart prints are handed over by the page
    in the reader's language: the script itself has none."""
    script = (PACKAGE_DIR / "static" / "lianzhao" / "charts.js").read_text(encoding="utf-8")
    assert not CJK.search(script)
    client.force_login(personas["leader"])
    _choose(client, "en")
    body = client.get(reverse("dashboard")).content.decode()
    labels = json.loads(re.search(r'<script id="chart-labels" type="application/json">(.*?)</script>', body).group(1))
    assert labels["unit_projects"] == " projects" and labels["yi"].endswith("100 million yuan")
    assert not [text for text in labels.values() if CJK.search(text)]


def test_the_checker_finds_an_untranslated_label():
    parser = _UiText()
    parser.feed('<form><p><label for="x">项目类型</label><select><option>新建项目</option></select>'
                '<span class="muted small">help</span></p></form><p class="definition">口径：按月</p>'
                '<table><tr><th>Month</th><td>三月</td></tr></table><input placeholder="输入名称">')
    assert sorted(t for t in parser.found if CJK.search(t)) == ["口径：按月", "输入名称", "项目类型"]


def test_django_s_own_chinese_messages_end_with_a_full_width_stop():
    from django import forms

    class CapitalForm(forms.Form):
        capital = forms.DecimalField(max_digits=14, decimal_places=2)

    with translation.override("zh-hans"):
        messages = [str(m) for value in ("123456789012345", "1.234", "1234567890123.5")
                    for m in CapitalForm({"capital": value}).errors["capital"]]
        other = translation.gettext("Enter a number.")
    assert messages == ["数字总共不能超过 14 位。", "小数不能超过 2 位。", "整数部分不能超过 12 位。"]
    assert other == "输入一个数字。"  # Django's other messages are still Django's own
