"""Analysis settings validated field by field (issue 10, "Bad input"): what used to be free JSON
thresholds is typed fields, so no POST to /analysis/settings/ and no admin edit can save a value that
breaks the analysis pages; and every change — web, admin or another process — invalidates the cache."""

from __future__ import annotations

from decimal import Decimal

from django.forms.models import model_to_dict
from django.urls import reverse

from lianzhao.analysis import engine
from lianzhao.analysis.forms import AnalysisSettingsForm
from lianzhao.analysis.models import AnalysisSettings
from lianzhao.audit.models import AuditRecord
from tests.conftest import needs_data

pytestmark = needs_data

PAGES = ("analysis_overview", "synergy")


def settings_post(region, **changes) -> dict:
    """The settings form as the page posts it, with ``changes``."""
    form = AnalysisSettingsForm(instance=engine.settings_for(region))
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    data.update(changes)
    return data


def assert_every_page_works(client):
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("gap_detail", args=["nev"])).status_code == 200
    assert client.get(reverse("gap_export_xlsx", args=["nev"])).status_code == 200


def test_the_form_round_trips_the_saved_settings(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    response = client.post(reverse("analysis_settings_update"), settings_post(demo))
    assert response.status_code == 302
    assert not AuditRecord.objects.filter(model_name="analysissettings").exists()  # nothing changed


# The values of the list, posted into the typed fields they were meant for.
BAD = [
    ("min_demand", "x"), ("min_demand", "abc"), ("min_demand", "-1"), ("min_demand", "1e999"),
    ("min_demand", "NaN"), ("min_demand", "Infinity"), ("min_demand", '{"bogus": 1}'), ("min_demand", ""),
    ("strengthen_leakage", "2"), ("strengthen_leakage", "null"), ("extend_linkage", "1e999"),
    ("plant_share", "-0.5"), ("import_substitution_share", "1.5"), ("delta", "1"), ("method", "bogus"),
    ("node_share_rule", "by_output"), ("table_sectors", "77"),
    ("sector_delta", "079=x"), ("sector_delta", "079=1.5"), ("sector_delta", "zzz=0.2"),
    ("sector_delta", '{"min_demand": {"a": {"b": {"c": 1}}}}'), ("sector_delta", "079"),
    ("non_tradables", "999 104"), ("non_tradables", '[["104"]]'),
]


def test_a_bad_value_is_a_form_error_on_its_field_and_nothing_breaks(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    before = AnalysisSettings.objects.get(region=demo)
    for field, value in BAD:
        response = client.post(reverse("analysis_settings_update"), settings_post(demo, **{field: value}))
        assert response.status_code == 400, (field, value)
        assert response.context["settings_form"].errors.get(field), (field, value)
        after = AnalysisSettings.objects.get(region=demo)
        assert model_to_dict(after) == model_to_dict(before), (field, value)
    assert not AuditRecord.objects.filter(model_name="analysissettings").exists()
    assert_every_page_works(client)


def test_the_old_free_json_thresholds_field_is_gone(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    junk = ["1", '"x"', "null", '{"bogus":1}', '{"min_demand":-1}', '{"min_demand":"abc"}',
            '{"strengthen_leakage":2}', "1e999", '{"a":' * 50 + "1" + "}" * 50]
    for value in junk:
        response = client.post(reverse("analysis_settings_update"), settings_post(demo, thresholds=value))
        assert response.status_code == 302, value  # the rest of the form is valid; "thresholds" is no field
    assert not hasattr(AnalysisSettings.objects.get(region=demo), "thresholds")
    assert_every_page_works(client)


def test_typed_values_are_saved_audited_and_used(demo, client, demo_users):
    client.force_login(demo_users["analyst"])
    response = client.post(reverse("analysis_settings_update"), settings_post(
        demo, min_demand="2.5", plant_share="0.5", sector_delta="079=0.2, 087=0.25", non_tradables="104 110"))
    assert response.status_code == 302
    s = AnalysisSettings.objects.get(region=demo)
    assert (s.min_demand, s.plant_share) == (Decimal("2.50"), Decimal("0.50"))
    assert s.sector_delta == {"079": 0.2, "087": 0.25} and s.non_tradables == ["104", "110"]
    record = AuditRecord.objects.get(model_name="analysissettings")
    assert record.actor == demo_users["analyst"] and record.after["sector_delta"] == {"079": 0.2, "087": 0.25}
    context = engine.regional_context(demo)
    assert context.thresholds.min_demand == 25_000 and context.thresholds.plant_share == 0.5
    assert context.regional.sector_delta == {"079": 0.2, "087": 0.25}
    assert context.regional.non_tradables == ("104", "110")


def test_an_admin_edit_invalidates_the_cache(demo, client, demo_users):
    before = engine.regional_context(demo)
    client.force_login(demo_users["admin"])
    settings = engine.settings_for(demo)
    url = reverse("admin:analysis_analysissettings_change", args=[settings.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(region=demo.pk, delta="0.150", sector_delta="{}", non_tradables='["104"]',
                chain_leader_is_strong="on" if settings.chain_leader_is_strong else "")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    after = engine.regional_context(demo)
    assert after.fingerprint != before.fingerprint and after.delta == 0.15
    assert after.regional.non_tradables == ("104",)
    assert AuditRecord.objects.filter(model_name="analysissettings", reason="管理后台").count() == 1


def test_the_admin_refuses_junk_in_the_list_fields(demo, client, demo_users):
    client.force_login(demo_users["admin"])
    settings = engine.settings_for(demo)
    url = reverse("admin:analysis_analysissettings_change", args=[settings.pk])
    data = {k: v for k, v in client.get(url).context["adminform"].form.initial.items() if v is not None}
    data.update(region=demo.pk, sector_delta='{"079": "x"}', non_tradables='{"bogus": 1}')
    response = client.post(url, data)
    assert response.status_code == 200  # the admin shows the errors
    errors = response.context["adminform"].form.errors
    assert "sector_delta" in errors and "non_tradables" in errors
    assert AnalysisSettings.objects.get(pk=settings.pk).sector_delta == settings.sector_delta


def test_a_change_made_by_another_process_is_seen_on_the_next_request(demo):
    before = engine.regional_context(demo)
    # another server process saves through its own connection: here, a plain update
    AnalysisSettings.objects.filter(region=demo).update(strengthen_leakage=Decimal("0.6"))
    after = engine.regional_context(demo)
    assert after.fingerprint != before.fingerprint and after.thresholds.strengthen_leakage == 0.6


def test_reading_the_pages_writes_no_settings_and_the_first_save_is_audited(demo, client, demo_users):
    """A district on the documented defaults has no settings row; opening the analysis pages must not
    write one (an unaudited write on a GET), and the analyst's first change creates it with an audit row."""
    AnalysisSettings.objects.filter(region=demo).delete()
    client.force_login(demo_users["analyst"])
    assert_every_page_works(client)
    assert not AnalysisSettings.objects.filter(region=demo).exists()
    response = client.post(reverse("analysis_settings_update"), settings_post(demo, delta="0.2"))
    assert response.status_code == 302, response.context["settings_form"].errors
    saved = AnalysisSettings.objects.get(region=demo)
    assert saved.delta == Decimal("0.2")
    record = AuditRecord.objects.get(model_name="analysissettings", object_id=str(saved.pk))
    assert record.action == "create" and record.actor == demo_users["analyst"] and record.before is None
