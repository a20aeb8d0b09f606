"""Load the Jimo (即墨区) demo pack into the database, idempotently.

Reference content (region, departments, industries, links, chain maps, indicators) is synchronised
to the pack; enterprises, users and projects are created when missing and otherwise left as the
users have changed them. Every row the loader creates or changes gets an audit record with the
actor "系统" and the reason "加载即墨示例数据".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lianzhao.accounts.models import Department, User
from lianzhao.accounts.services import user_create
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import record_change, snapshot
from lianzhao.core.models import Region
from lianzhao.dashboard.models import Indicator
from lianzhao.demo import ledger_loader as ledger
from lianzhao.demo import pack_data as pack
from lianzhao.demo import pack_products
from lianzhao.demo.aftercare_loader import load_aftercare
from lianzhao.demo.region_loader import load_region_base
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct
from lianzhao.industries.models import ChainNode, Industry, IndustryLink
from lianzhao.projects.choices import PIPELINE, PLANNED_DATE_FIELD, STAGE_DATE_FIELD, EventKind, ProjectStage
from lianzhao.projects.models import InvestmentProject, ProjectEvent
from lianzhao.refdata.divisions import load_divisions

DEMO_PASSWORD = "lianzhao-demo"
REASON = "加载即墨示例数据"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        parts = [f"新建 {k} {v}" for k, v in self.created.items()]
        parts += [f"更新 {k} {v}" for k, v in self.updated.items()]
        return "；".join(parts) or "示例数据已是最新，无变化"


def _kept_by_users(obj) -> set[str]:
    """The fields (attnames) of ``obj`` whose latest change in its audit trail was a user's rather than
    this load's: a reload leaves them as the user set them, even after the load has since written
    other fields of the same object (its row then repeats the user's value without changing it)."""
    decided: set[str] = set()
    kept: set[str] = set()
    rows = AuditRecord.objects.for_object(obj).order_by("-at", "-pk").values_list("before", "after", "reason")
    for before, after, reason in rows:
        before, after = before or {}, after or {}
        for name in after.keys() - decided:
            if name not in before or before[name] != after[name]:
                decided.add(name)
                if reason != REASON:
                    kept.add(name)
    return kept


def _sync(model, lookup: dict, values: dict, report: LoadReport, kind: str):
    """update_or_create with an audit row when something was created or changed. A field a user has
    changed since the load wrote it (the audit trail says who changed it last) keeps the user's value."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        record_change(actor=None, action=AuditAction.CREATE, obj=obj, before=None,
                      after=snapshot(obj), reason=REASON)
        report.count(kind, True)
        return obj, True
    before = snapshot(obj)
    kept = _kept_by_users(obj)
    for key, value in values.items():
        if model._meta.get_field(key).attname not in kept:
            setattr(obj, key, value)
    after_probe = snapshot(obj)
    if after_probe != before:
        obj.save()
        record_change(actor=None, action=AuditAction.UPDATE, obj=obj, before=before,
                      after=snapshot(obj), reason=REASON)
        report.count(kind, False)
    return obj, False


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _regions(report: LoadReport) -> Region:
    divisions = load_divisions()
    parent = None
    for division in divisions.path(pack.REGION["code"]):
        parent, _ = _sync(Region, {"code": division.code},
                          {"name": division.name, "parent": parent}, report, "区划")
    return parent


def _users(report: LoadReport, departments: dict[str, Department]) -> dict[str, User]:
    users = {}
    for spec in pack.USERS:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = user_create(spec["username"], role=spec["role"], password=DEMO_PASSWORD,
                               department=departments.get(spec["department"]) if spec["department"] else None,
                               display_name=spec["display_name"], acting_user=None, reason=REASON)
            report.count("用户", True)
        users[spec["username"]] = user
    return users


def _chains(report: LoadReport, industries: dict[str, Industry]) -> dict[str, ChainNode]:
    nodes: dict[str, ChainNode] = {}
    for industry_key, specs in pack.CHAINS.items():
        for order, spec in enumerate(specs):
            node, _ = _sync(ChainNode, {"key": spec["key"]}, {
                "industry": industries[industry_key],
                "parent": nodes[spec["parent"]] if spec.get("parent") else None,
                "name": spec["name"],
                "position": spec["position"],
                "description": spec.get("description", ""),
                "gbt_codes": list(spec["gbt_codes"]),
                "keywords": list(spec.get("keywords", [])),
                "exclude_keywords": list(spec.get("exclude", [])),
                "order": order,
            }, report, "产业链环节")
            node.full_clean(validate_unique=False)
            nodes[spec["key"]] = node
    return nodes


def _enterprises(report: LoadReport, nodes: dict[str, ChainNode]) -> dict[str, Enterprise]:
    out = {}
    for spec in pack.ENTERPRISES:
        enterprise = Enterprise.objects.filter(name=spec["name"]).first()
        if enterprise is None:
            enterprise = Enterprise(
                name=spec["name"], uscc=spec.get("uscc"), region_code=spec.get("region_code", ""),
                gbt_code=spec.get("gbt_code", ""), is_local=spec["is_local"],
                is_chain_leader=spec["is_chain_leader"], scale=spec.get("scale", ""),
                is_sample=spec["is_sample"], note=spec.get("note", ""),
                source=(pack.SAMPLE_LABEL if spec["is_sample"]
                        else f"{pack.SOURCE_ARTICLE}（所在区县、行业代码、规模为本平台标注）"),
            )
            enterprise.full_clean()
            enterprise.save()
            enterprise.chain_nodes.set([nodes[k] for k in spec.get("chain_nodes", [])])
            record_change(actor=None, action=AuditAction.CREATE, obj=enterprise, before=None,
                          after=snapshot(enterprise), reason=REASON)
            report.count("企业", True)
        _sample_products(enterprise, spec, report)
        out[spec["key"]] = enterprise
    return out


def _sample_products(enterprise: Enterprise, spec: dict, report: LoadReport) -> None:
    """A sample firm's 示例 main products (no shares: they would be invented figures), when it has none."""
    names = pack_products.SAMPLE_PRODUCTS.get(spec["key"], ())
    if not spec["is_sample"] or not names or enterprise.products.exists():
        return
    EnterpriseProduct.objects.bulk_create([EnterpriseProduct(enterprise=enterprise, name=name, order=i,
                                                             source=pack_products.SOURCE)
                                           for i, name in enumerate(names)])
    enterprise.save()  # the search text covers the products
    record_change(actor=None, action=AuditAction.UPDATE, obj=enterprise, before={"products": []},
                  after={"products": list(names)}, reason=REASON)
    report.count("示例主营产品", True)


def _projects(report, industries, nodes, enterprises, departments, users, sites) -> None:
    today = timezone.localdate()
    for index, spec in enumerate(pack.PROJECTS):
        investor = enterprises[spec["investor"]] if spec.get("investor") else None
        # all_objects: a project the users merged into another stays merged, not re-created.
        if InvestmentProject.all_objects.filter(name=spec["name"], investor=investor).exists():
            continue
        dates = spec.get("dates", {})
        project = InvestmentProject(
            name=spec["name"], investor=investor, industry=industries[spec["industry"]],
            chain_node=nodes[spec["chain_node"]] if spec.get("chain_node") else None,
            amount=Decimal(spec["amount"]) if spec.get("amount") is not None else None,
            method=spec["method"], referrer=spec.get("referrer", ""), source=spec.get("source", ""),
            stage=spec["stage"], paused_from=spec.get("paused_from") or "",
            department=departments[spec["department"]],
            officer=users.get(spec["officer"]) if spec.get("officer") else None,
            signed_amount=Decimal(spec["signed_amount"]) if spec.get("signed_amount") else None,
            notes=spec.get("notes", ""), is_sample=spec["is_sample"], citation=spec.get("citation", ""),
        )
        for stage, field_name in STAGE_DATE_FIELD.items():
            setattr(project, field_name, _date(dates.get(stage.value)))
        if project.is_sample:
            _plan_next_stage(project)
            ledger.sample_ledger(project, index, sites)
        project.full_clean()
        project.save()
        _timeline(project, dates, spec)
        if project.is_sample:
            ledger.sample_funds(project, today, report)
        record_change(actor=None, action=AuditAction.CREATE, obj=project, before=None,
                      after=snapshot(project), reason=REASON)
        report.count("项目", True)


#: 示例 assumption: a sample project in 洽谈 … 投产 plans its next stage this many days after the date
#: it reached its current one, so the demo shows milestones due and overdue (red and yellow lights).
#: The article's projects get no plan: the article gives none.
SAMPLE_PLAN_DAYS = {
    ProjectStage.SIGNED: 90,
    ProjectStage.REGISTERED: 60,
    ProjectStage.CONSTRUCTION: 90,
    ProjectStage.PRODUCTION: 270,
    ProjectStage.FULL_CAPACITY: 180,
}


def _plan_next_stage(project: InvestmentProject) -> None:
    if project.stage not in PIPELINE[2:-1]:  # 洽谈 to 投产; leads, paused and closed ones stay unplanned
        return
    following = PIPELINE[PIPELINE.index(project.stage) + 1]
    reached_on = getattr(project, STAGE_DATE_FIELD[project.stage])
    if reached_on is not None:
        setattr(project, PLANNED_DATE_FIELD[following], reached_on + dt.timedelta(days=SAMPLE_PLAN_DAYS[following]))


def _timeline(project: InvestmentProject, dates: dict, spec: dict) -> None:
    """One stage-change event per recorded stage date (and for 暂缓/终止 when dated)."""
    previous = ""
    reached = [(s, _date(dates.get(s.value))) for s in PIPELINE if dates.get(s.value)]
    # The entry names its stage itself: its text says only where it comes from, and the signing
    # carries what it recorded (as the stage service writes it).
    signing = {"signed_amount": f"{project.signed_amount:.2f}"} if project.signed_amount is not None else {}
    for stage, on in reached:
        ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                    from_stage=previous, to_stage=stage,
                                    params=signing if stage == ProjectStage.SIGNED else {},
                                    text="示例数据" if project.is_sample
                                    else f"出处：{spec.get('citation') or '见项目'}")
        previous = stage
    for side in (ProjectStage.PAUSED, ProjectStage.DROPPED):
        if project.stage == side and (on := _date(dates.get(side.value))):
            ProjectEvent.objects.create(project=project, kind=EventKind.STAGE_CHANGE, occurred_on=on,
                                        from_stage=previous, to_stage=side,
                                        text=spec.get("notes") or ProjectStage(side).label)


@transaction.atomic
def load_demo() -> LoadReport:
    """Load or refresh the whole demo pack in one transaction (all or nothing)."""
    report = LoadReport()
    region = _regions(report)
    departments = {}
    for spec in pack.DEPARTMENTS:
        departments[spec["code"]], _ = _sync(Department, {"code": spec["code"]},
                                             {"name": spec["name"], "focus": spec.get("focus", "")},
                                             report, "部门")
    users = _users(report, departments)
    ledger.targets(departments, report)
    industries = {}
    for spec in pack.INDUSTRIES:
        industries[spec["key"]], _ = _sync(Industry, {"slug": spec["key"].replace("_", "-")}, {
            "name": spec["name"], "kind": spec["kind"], "description": spec.get("description", ""),
            "source": spec.get("source", ""), "order": spec.get("order", 0),
        }, report, "产业")
    for spec in pack.HONEYCOMB_LINKS:
        _sync(IndustryLink, {"source": industries[spec["source"]], "target": industries[spec["target"]],
                             "kind": spec["kind"]},
              {"note": spec.get("note", ""), "citation": spec.get("citation", "")}, report, "产业协同")
    nodes = _chains(report, industries)
    enterprises = _enterprises(report, nodes)
    sites = ledger.landing_sites(region, report)
    _projects(report, industries, nodes, enterprises, departments, users, sites)
    load_aftercare(report, enterprises, DEMO_PASSWORD)
    for order, spec in enumerate(pack.KPIS):
        _sync(Indicator, {"key": spec["key"]}, {
            "label": spec["label"], "value": Decimal(spec["value"]), "unit": spec.get("unit", ""),
            "qualifier": spec.get("qualifier", ""), "year": spec["year"], "source": spec["source"],
            "note": spec.get("note", ""), "is_sample": spec.get("is_sample", False), "order": order,
        }, report, "区域指标")
    load_region_base(region, report)
    return report
