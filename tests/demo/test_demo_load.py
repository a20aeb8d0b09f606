"""`lianzhao demo load`: the Jimo demo in the database, idempotent, labelled and cited."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from lianzhao.audit.models import AuditRecord
from lianzhao.demo import pack_data as pack
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode, Industry, IndustryLink
from lianzhao.projects.choices import ProjectStage
from lianzhao.projects.models import InvestmentProject
from tests.conftest import needs_data

pytestmark = [needs_data, pytest.mark.django_db]


def _load():
    out = StringIO()
    call_command("demo", "load", "--no-reference", stdout=out)
    return out.getvalue()


def _counts():
    return {m.__name__: m.objects.count() for m in
            (Industry, IndustryLink, ChainNode, Enterprise, InvestmentProject, AuditRecord)}


def test_it_loads_the_article_facts_and_is_idempotent():
    first = _load()
    assert "新建 项目" in first and "lianzhao-demo" in first
    counts = _counts()
    second = _load()
    assert "无变化" in second
    assert _counts() == counts


def test_it_loads_six_leading_and_three_emerging_industries_with_the_article_links(demo):
    assert list(Industry.objects.filter(kind="leading").values_list("name", flat=True)) == [
        "新能源汽车", "绿色能源", "海洋", "纺织服装", "新一代信息技术", "商贸物流"]
    assert set(Industry.objects.filter(kind="emerging").values_list("name", flat=True)) == {
        "新材料", "智能装备制造", "低空经济"}
    links = {(link.source.name, link.target.name) for link in IndustryLink.objects.all()}
    assert links == {("新能源汽车", "新一代信息技术"), ("绿色能源", "新能源汽车"), ("商贸物流", "纺织服装")}
    assert all(link.citation == pack.SOURCE_ARTICLE for link in IndustryLink.objects.all())


def test_each_leading_chain_has_twelve_nodes_over_three_positions(demo):
    for industry in Industry.objects.filter(kind="leading"):
        nodes = list(industry.chain_nodes.all())
        assert len(nodes) >= 12, industry.name
        assert {n.position for n in nodes} == {"upstream", "midstream", "downstream"}
        for node in nodes:
            node.full_clean()  # every GB/T code exists in the classification


def test_the_offshore_pv_project_carries_only_the_article_figures(demo):
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    assert project.amount == Decimal("102.00") and project.stage == ProjectStage.CONSTRUCTION
    assert not project.is_sample and project.citation == pack.SOURCE_ARTICLE


def test_every_invented_record_is_labelled_sample(demo):
    for enterprise in Enterprise.objects.filter(is_sample=True):
        assert enterprise.name.startswith("示例")
    for project in InvestmentProject.objects.filter(is_sample=True):
        assert project.name.startswith("示例")
    for project in InvestmentProject.objects.filter(is_sample=False):
        assert project.citation == pack.SOURCE_ARTICLE
        assert project.investor is None or not project.investor.is_sample


def test_every_stage_has_a_project_and_the_officer_has_movable_ones(demo):
    stages = set(InvestmentProject.objects.values_list("stage", flat=True))
    assert stages == set(ProjectStage.values)
    movable = InvestmentProject.objects.filter(officer__username="officer",
                                               stage__in=["lead", "contacted", "negotiating", "signed"])
    assert movable.count() >= 2


def test_a_user_change_survives_a_reload(demo):
    project = InvestmentProject.objects.filter(is_sample=True).first()
    project.notes = "用户修改"
    project.save()
    _load()
    project.refresh_from_db()
    assert project.notes == "用户修改"


def test_a_reload_keeps_the_words_an_analyst_gave_a_node_and_refreshes_the_others():
    from lianzhao.accounts.models import User
    from lianzhao.demo.loader import REASON
    from lianzhao.targets.services import update_node_words

    _load()
    separator = ChainNode.objects.get(key="nev-separator")
    update_node_words(separator, keywords=["湿法隔膜", "锂电池隔膜"], excludes=["液碱", "阻隔", "燃料电池", "压滤机"],
                      acting_user=User.objects.get(username="analyst"))
    battery = ChainNode.objects.get(key="nev-battery")
    battery.keywords = ["锂离子电池"]  # as if an older pack had written it, by the load itself
    battery.save()
    AuditRecord.objects.create(actor=None, actor_name="系统", action="update", app_label="industries",
                               model_name="chainnode", object_id=str(battery.pk), object_repr=str(battery),
                               before={}, after={"keywords": ["锂离子电池"]}, reason=REASON)
    _load()
    separator.refresh_from_db()
    battery.refresh_from_db()
    assert separator.keywords == ["湿法隔膜", "锂电池隔膜"] and "压滤机" in separator.exclude_keywords
    assert battery.keywords == ["锂离子电池", "电芯", "电池包", "电池管理系统"]


def test_a_reload_keeps_what_users_changed_in_the_admin_even_after_the_load_wrote_the_same_row():
    """A node renamed and a department's focus rewritten in the admin (audited saves) survive every
    reload, also after the load has refreshed another field of that node in between (its audit row
    then carries the user's name unchanged: the name is still the user's)."""
    from lianzhao.accounts.models import Department, User
    from lianzhao.audit.services import record_saved, snapshot
    from lianzhao.demo.loader import REASON

    _load()
    admin = User.objects.get(username="admin")
    node = ChainNode.objects.get(key="nev-separator")
    pack_description = node.description
    before = snapshot(node)
    node.name = "锂电池隔膜（本局命名）"
    node.save()
    record_saved(node, before=before, actor=admin)
    department = Department.objects.exclude(focus="").first()
    before = snapshot(department)
    department.focus = "本局调整后的职能"
    department.save()
    record_saved(department, before=before, actor=admin)

    before = snapshot(node)
    node.description = "旧版示例包的说明"  # as an older pack had written it, by the load itself
    node.save()
    record_saved(node, before=before, actor=None, reason=REASON)
    _load()
    node.refresh_from_db()
    assert node.description == pack_description  # the load's own field is refreshed
    assert node.name == "锂电池隔膜（本局命名）"
    _load()
    node.refresh_from_db()
    department.refresh_from_db()
    assert node.name == "锂电池隔膜（本局命名）" and node.description == pack_description
    assert department.focus == "本局调整后的职能"
