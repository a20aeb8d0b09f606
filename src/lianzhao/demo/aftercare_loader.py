"""The demo's enterprise service (示例): handling departments and their staff, request categories
routed to them, service officers of sample local companies, a dozen sample requests in every state,
visits, policies received, and two landing checklists (one on track, one late).

Every date is counted from the day the demo is loaded, so the demo stays meaningful whenever it is
loaded: requests due next week, one overdue, one answered late… Rows are created when missing and
never overwritten (what users changed stays). Each created row gets one audit row ("系统", the load
reason). Only sample (示例) companies and projects get requests, visits, policies and checklists;
the handling departments' names say 示例 too, since their figures are invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from lianzhao.accounts.models import Department, User
from lianzhao.accounts.services import user_create
from lianzhao.aftercare.models import (
    LandingChecklist,
    LandingStep,
    LandingTemplate,
    PolicyBenefit,
    ServiceAssignment,
    ServiceDepartment,
    Ticket,
    TicketCategory,
    TicketEvent,
    Visit,
)
from lianzhao.aftercare.services.landing import refresh_landing_due
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.choices import EventKind
from lianzhao.projects.models import InvestmentProject, ProjectEvent

#: code: (name, bureau department code or None)
SERVICE_DEPARTMENTS = {
    "land": ("区自然资源局（示例）", None),
    "hr": ("区人力资源和社会保障局（示例）", None),
    "finance": ("区地方金融服务中心（示例）", None),
    "approval": ("区行政审批服务局（示例）", None),
    "utilities": ("区公用事业服务中心（示例）", None),
    "housing": ("区住房和城乡建设局（示例）", None),
    "transport": ("区交通运输局（示例）", None),
    "bureau-general": ("综合科（企业服务）", "general"),
}
#: category code -> handling department code (其他 is routed by hand)
ROUTING = {"land": "land", "labour": "hr", "finance": "finance", "approval": "approval", "utilities": "utilities",
           "policy": "bureau-general", "logistics": "transport"}
#: default template step -> department code
STEP_DEPARTMENTS = {"企业设立登记": "approval", "用地预审/供地": "land", "规划许可": "land", "环评/能评": "approval",
                    "施工许可": "approval", "水电气报装": "utilities", "竣工验收": "housing", "投产备案": "approval"}
USERS = [
    {"username": "service", "display_name": "服务专员·综合科（示例）", "role": "officer", "department": "general"},
    {"username": "land", "display_name": "承办人·自然资源局（示例）", "role": "responder", "department": None,
     "member_of": "land"},
    {"username": "approval", "display_name": "承办人·行政审批服务局（示例）", "role": "responder", "department": None,
     "member_of": "approval"},
    {"username": "finance", "display_name": "承办人·金融服务中心（示例）", "role": "responder", "department": None,
     "member_of": "finance"},
]
ASSIGNMENTS = {
    "service": ["ent-mar-cold", "ent-ge-storage", "ent-tex-knit", "ent-mar-seafood-a", "ent-ge-steel", "ent-ge-om"],
    "officer": ["ent-nev-casting", "ent-nev-special", "ent-nev-charging", "ent-nev-battery"],
}

# Requests: (company, category, description, history). History steps are (kind, days before the
# load day, values): route (department, deadline in days from the load day), accept, forward
# (department, reason), answer (text), close (rating), reopen (comment, new deadline). The two
# overdue requests passed their deadline more than a week before the load day, so the weekly report
# of the last complete week (the dispatch page's default) lists them whatever weekday the demo is loaded.
TICKETS = [
    ("ent-tex-knit", "other", "示例：希望协调园区周边公交线路延伸至厂区，方便夜班职工通勤。", [("raise", 1)]),
    ("ent-mar-cold", "land", "示例：冷库二期拟用地约 20 亩，咨询用地预审流程和所需材料。",
     [("raise", 3), ("route", 3, "land", 12)]),
    ("ent-tex-knit", "labour", "示例：旺季缺熟练缝纫工约 40 人，希望对接招聘会和技能培训补贴。",
     [("raise", 18), ("route", 18, "hr", -8)]),
    ("ent-ge-storage", "approval", "示例：储能电站项目备案变更（建设规模调整），请指导办理。",
     [("raise", 4), ("route", 4, "approval", 6), ("accept", 3)]),
    ("ent-nev-casting", "finance", "示例：扩产设备采购资金缺口，希望对接银行技改贷款和贴息政策。",
     [("raise", 22), ("route", 22, "finance", -12), ("accept", 20)]),
    ("ent-mar-cold", "logistics", "示例：冷链车辆夜间进城通行证办理，并咨询配套停车场用地。",
     [("raise", 5), ("route", 5, "transport", 5), ("forward", 2, "land", "涉及停车场用地，转自然资源部门办理")]),
    ("ent-mar-seafood-a", "policy", "示例：已申报的技术改造专项资金何时拨付？",
     [("raise", 10), ("route", 10, "bureau-general", 10), ("accept", 9), ("answer", 2, "已完成审核公示，预计本月底前拨付。")]),
    ("ent-ge-steel", "land", "示例：堆场临时用地到期，申请续期。",
     [("raise", 30), ("route", 30, "land", -15), ("accept", 28), ("answer", 10, "已受理续期申请，补充材料后 5 个工作日内出具意见。")]),
    ("ent-nev-casting", "approval", "示例：新增压铸产线环评手续咨询。",
     [("raise", 40), ("route", 40, "approval", -30), ("accept", 39),
      ("answer", 33, "属于环评登记表备案类，可网上办理，已发送办事指南。"), ("close", 30, "satisfied")]),
    ("ent-ge-om", "finance", "示例：运维船舶融资租赁渠道对接。",
     [("raise", 50), ("route", 50, "finance", -35), ("accept", 49), ("answer", 38, "已推荐两家融资租赁机构，安排座谈。"),
      ("close", 36, "basic")]),
    ("ent-nev-special", "utilities", "示例：改装车间用电增容报装进度慢。",
     [("raise", 60), ("route", 60, "utilities", -50), ("accept", 59), ("answer", 52, "已转供电部门排期。"),
      ("reopen", 49, "企业反映排期仍未明确", -42), ("answer", 45, "供电部门已确定本月 20 日施工接电。"),
      ("close", 43, "satisfied")]),
    ("ent-nev-charging", "labour", "示例：外地技术人员子女入学咨询。",
     [("raise", 25), ("route", 25, "hr", -15), ("accept", 24), ("answer", 14, "请向教育部门咨询。"),
      ("reopen", 3, "答复未解决问题，企业不满意", 7)]),
]
EVENT_KINDS = {"raise": "raised", "route": "routed", "accept": "accepted", "forward": "forwarded", "answer": "answered",
               "close": "closed", "reopen": "reopened"}

VISITS = [  # (officer, company, planned in days from load day, done days before load day or None, purpose, notes)
    ("service", "ent-mar-cold", 2, None, "示例：了解冷库二期用地需求", ""),
    ("service", "ent-tex-knit", -1, None, "示例：走访了解用工缺口", ""),
    ("service", "ent-ge-storage", None, 7, "示例：项目注册后首次走访", "示例：企业反映备案变更和并网接入进度，已记入诉求跟进。"),
    ("officer", "ent-nev-casting", None, 12, "示例：扩产项目推进走访", "示例：设备已到厂一半，资金缺口约 3000 万元，协助对接银行。"),
]
POLICIES = [  # (company, policy, days before load day, amount 万元, reference)
    ("ent-ge-storage", "示例·技术改造专项资金（普惠政策，公开申报）", 45, "30.00", "示例文号〔2026〕1号"),
    ("ent-nev-casting", "示例·稳岗返还（普惠政策）", 90, "2.40", ""),
]
# Checklists: project key -> for each default step in order, days before the load day it was done
# (None: open) and, for open steps, days from the load day it is due (negative: late).
CHECKLISTS = {
    "prj-s-storage": [(120, None), (80, None), (60, None), (50, None), (None, 20), (None, 45), (None, 300), (None, 330)],
    "prj-s-casting": [(150, None), (None, -20), (None, 15), (None, 30), (None, 60), (None, 120), (None, 400), (None, 430)],
}
REASON = "加载即墨示例数据"


def _audit(obj, after=None):
    record_change(actor=None, action=AuditAction.CREATE, obj=obj, before=None, after=after or snapshot(obj),
                  reason=REASON)


def load_aftercare(report, enterprises: dict[str, Enterprise], password: str) -> None:
    today = timezone.localdate()
    units = _departments(report)
    users = _users(report, units, password)
    _routing(units)
    for username, keys in ASSIGNMENTS.items():
        for key in keys:
            if users.get(username) and not ServiceAssignment.objects.filter(enterprise=enterprises[key]).exists():
                _audit(ServiceAssignment.objects.create(enterprise=enterprises[key], officer=users[username],
                                                        since=today - dt.timedelta(days=180)))
                report.count("服务专员", True)
    for company, category, description, history in TICKETS:
        if not Ticket.objects.filter(enterprise=enterprises[company], description=description).exists():
            _ticket(enterprises[company], TicketCategory.objects.get(code=category), description, history, units,
                    users, today)
            report.count("企业诉求", True)
    for username, company, planned, done, purpose, notes in VISITS:
        if not Visit.objects.filter(enterprise=enterprises[company], purpose=purpose).exists():
            _visit(users[username], enterprises[company], planned, done, purpose, notes, today)
            report.count("走访", True)
    for company, policy, days, amount, reference in POLICIES:
        if not PolicyBenefit.objects.filter(enterprise=enterprises[company], policy=policy).exists():
            _audit(PolicyBenefit.objects.create(enterprise=enterprises[company], policy=policy, is_sample=True,
                                                granted_on=today - dt.timedelta(days=days), amount=Decimal(amount),
                                                reference=reference, note="示例：演示用记录"))
            report.count("政策兑现", True)
    from lianzhao.demo import pack_data

    names = {p["key"]: p["name"] for p in pack_data.PROJECTS}
    for key, plan in CHECKLISTS.items():
        project = InvestmentProject.objects.filter(name=names[key]).first()
        if project and project.signed_date and not LandingChecklist.objects.filter(project=project).exists():
            _checklist(project, plan, units, today)
            report.count("落地事项清单", True)


def _departments(report) -> dict[str, ServiceDepartment]:
    units = {}
    for code, (name, bureau) in SERVICE_DEPARTMENTS.items():
        unit = ServiceDepartment.objects.filter(code=code).first()
        if unit is None:
            department = Department.objects.filter(code=bureau).first() if bureau else None
            unit = ServiceDepartment.objects.create(code=code, name=name, bureau_department=department,
                                                    order=len(units))
            _audit(unit)
            report.count("承办部门", True)
        units[code] = unit
    return units


def _users(report, units, password) -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=["officer", *[s["username"] for s in USERS]])}
    for spec in USERS:
        if spec["username"] in users:
            continue
        department = Department.objects.filter(code=spec["department"]).first() if spec["department"] else None
        user = user_create(spec["username"], role=spec["role"], password=password, department=department,
                           display_name=spec["display_name"], acting_user=None, reason=REASON)
        if spec.get("member_of"):
            units[spec["member_of"]].members.add(user)
        users[spec["username"]] = user
        report.count("用户", True)
    return users


def _routing(units) -> None:
    """Route the categories and name the template's departments where an admin has not yet."""
    for code, unit in ROUTING.items():
        category = TicketCategory.objects.filter(code=code, department__isnull=True).first()
        if category is not None:
            before = snapshot(category)
            category.department = units[unit]
            category.save()
            record_change(actor=None, action=AuditAction.UPDATE, obj=category, before=before,
                          after=snapshot(category), reason=REASON)
    template = LandingTemplate.objects.filter(project_type__isnull=True).first()
    if template is not None:
        for step in template.steps.filter(department__isnull=True, name__in=list(STEP_DEPARTMENTS)):
            before = snapshot(step)
            step.department = units[STEP_DEPARTMENTS[step.name]]
            step.save()
            record_change(actor=None, action=AuditAction.UPDATE, obj=step, before=before, after=snapshot(step),
                          reason=REASON)


def _ticket(enterprise, category, description, history, units, users, today) -> None:
    assignment = ServiceAssignment.objects.filter(enterprise=enterprise).select_related("officer").first()
    officer = assignment.officer if assignment else None
    raised = today - dt.timedelta(days=history[0][1])
    ticket = Ticket.objects.create(enterprise=enterprise, category=category, description=description,
                                   raised_on=raised, raised_by=officer, is_sample=True)
    events = []
    for kind, days, *values in history:
        on = today - dt.timedelta(days=days)
        event = TicketEvent(ticket=ticket, kind=EVENT_KINDS[kind], occurred_on=on, actor=officer,
                            department=ticket.department)
        if kind == "raise":
            event.text = description
        elif kind == "route":
            ticket.status, ticket.department, ticket.routed_on = "routed", units[values[0]], on
            ticket.deadline = ticket.first_deadline = today + dt.timedelta(days=values[1])
            event.department, event.deadline = ticket.department, ticket.deadline
        elif kind == "accept":
            ticket.status = "accepted"
        elif kind == "forward":
            event.text = f"由{ticket.department}转办：{values[1]}"
            ticket.status, ticket.department = "forwarded", units[values[0]]
            event.department, event.deadline = ticket.department, ticket.deadline
        elif kind == "answer":
            ticket.status, ticket.answer, ticket.answered_on = "answered", values[0], on
            if ticket.first_answered_on is None:
                ticket.first_answered_on, ticket.first_answer_department = on, ticket.department
            event.text = values[0]
        elif kind == "close":
            ticket.status, ticket.rating, ticket.closed_on = "closed", values[0], on
            event.rating = values[0]
        elif kind == "reopen":
            ticket.status, ticket.rating = "reopened", "unsatisfied"
            ticket.deadline = today + dt.timedelta(days=values[1])
            ticket.reopen_count += 1
            event.rating, event.text, event.deadline = "unsatisfied", values[0], ticket.deadline
        if kind not in ("raise", "route", "close", "reopen"):
            event.actor = None  # a department's staff acted; the demo does not name them
        events.append(event)
    ticket.save()
    TicketEvent.objects.bulk_create(events)
    _audit(ticket)


def _visit(officer, enterprise, planned, done, purpose, notes, today) -> None:
    visit = Visit(enterprise=enterprise, officer=officer, purpose=purpose, notes=notes, is_sample=True,
                  planned_on=today + dt.timedelta(days=planned) if planned is not None else None,
                  done_on=today - dt.timedelta(days=done) if done is not None else None)
    project = InvestmentProject.objects.filter(investor=enterprise, is_sample=True).first()
    if visit.done_on and project is not None:
        visit.project = project
        visit.project_event = ProjectEvent.objects.create(project=project, kind=EventKind.VISIT,
                                                          occurred_on=visit.done_on, actor=officer,
                                                          text=f"走访{enterprise}：{notes}")
    visit.save()
    _audit(visit)


def _checklist(project, plan, units, today) -> None:
    template = LandingTemplate.objects.filter(project_type__isnull=True).first()
    checklist = LandingChecklist.objects.create(project=project, template=template, started_on=project.signed_date,
                                                is_sample=True)
    steps = []
    for order, (template_step, (done, due)) in enumerate(zip(template.steps.all(), plan, strict=False)):
        done_on = max(today - dt.timedelta(days=done), project.signed_date) if done is not None else None
        steps.append(LandingStep(
            checklist=checklist, order=order, name=template_step.name, department=template_step.department,
            due_on=(done_on if done_on else today + dt.timedelta(days=due)), done_on=done_on,
            reference=f"示例文号〔{today.year}〕{order + 1}号" if done_on else ""))
    LandingStep.objects.bulk_create(steps)
    refresh_landing_due([project.pk])
    _audit(checklist, {**snapshot(checklist), "steps": [f"{s.name}｜{s.due_on:%Y-%m-%d}" for s in steps]})
