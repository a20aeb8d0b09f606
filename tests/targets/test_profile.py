"""The company profile (企业画像): every figure with its source, a sample company labelled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianzhao.projects.models import InvestmentProject, ProjectEvent

pytestmark = pytest.mark.django_db


def test_the_profile_shows_products_nodes_relations_projects_and_visits_with_sources(client, world):
    e = world["specialist"]
    project = InvestmentProject.objects.create(name="甲隔膜项目", investor=e, industry=world["nev"], method="referral",
                                               stage="contacted", department=world["departments"]["a"])
    ProjectEvent.objects.create(project=project, kind="visit", occurred_on=dt.date(2025, 3, 1), text="拜访总部")
    client.force_login(world["personas"]["leader"])
    page = client.get(reverse("enterprise_detail", args=[e.pk])).content.decode()
    assert "湿法隔膜" in page and "62%" in page and "测试来源" in page
    assert "C29 橡胶和塑料制品业" in page and "测试名录" in page and "300001.SZ" in page
    # Mapped to the node by its products (the score's product part), with the reason.
    assert "主营湿法隔膜（营收占比 62%）" in page and reverse("node_candidates", args=["t-separator"]) in page
    # 冷轧板 is a material of 汽车 in the product graph: 汽车 is downstream of this company's 冷轧板.
    assert "汽车" in page and "测试图谱" in page
    assert "甲隔膜项目" in page and "拜访总部" in page
    assert "示例" not in page.split("<main>")[1].split("</main>")[0]


def test_a_sample_company_is_labelled(client, world):
    client.force_login(world["personas"]["leader"])
    page = client.get(reverse("enterprise_detail", args=[world["leader"].pk])).content.decode()
    assert 'class="tag sample"' in page
