"""Projects to Excel: the import template and the export of a (filtered) project list.

Both use the same columns (:data:`COLUMNS`), so an exported file can be edited and imported again —
the ``ID`` column tells the import which project each row updates. Each workbook has a 填表说明 sheet
explaining every column and its allowed values, read from the database at the time of download.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.core import xlsx
from lianzhao.core.i18n import data_label, in_data_language
from lianzhao.industries.models import Industry
from lianzhao.projects.choices import PIPELINE, STAGE_DATE_FIELD, AttractionMethod, LedgerList, ProjectStage
from lianzhao.projects.models import LedgerChoice

DATA_SHEET = "项目"
NOTES_SHEET = "填表说明"


@dataclass(frozen=True)
class ImportColumn:
    """One column of the project workbook: key (a form field or a date field), header, whether a
    new project needs it, cell kind and width, and the explanation printed in 填表说明."""

    key: str
    label: str
    required: bool = False
    kind: str = "text"
    width: float = 14
    help: str = ""

    @property
    def column(self) -> xlsx.Column:
        return xlsx.Column(self.label, self.kind, self.width)


# The workbook is a Chinese exchange format: stage names in headers and help are the data language's,
# however this module happens to be first imported.
_STAGE_LABELS = "、".join(data_label(s) for s in PIPELINE)

COLUMNS: list[ImportColumn] = [
    ImportColumn("id", "ID", kind="int", width=8,
                 help="系统编号。导出的文件带有此列，重新导入时按编号更新原项目；新项目留空。"
                      "没有编号时，按“投资方 + 项目名称”识别同一项目，找到即更新，不会重复登记。"),
    ImportColumn("name", "项目名称", True, width=30, help="必填，最长 128 字。"),
    ImportColumn("investor", "投资方", width=26,
                 help="企业库中的企业全称（须先在企业库登记）；可留空。"),
    ImportColumn("industry", "所属产业", True, width=14, help="必填，填产业名称。"),
    ImportColumn("chain_node", "产业链环节", width=16, help="可留空；须是所填产业的环节名称。"),
    ImportColumn("amount", "计划投资额（亿元）", kind="amount", width=12,
                 help="数字，单位亿元，最多两位小数，如 12.5；可留空。"),
    ImportColumn("method", "招商方式", True, width=12, help="必填。"),
    ImportColumn("referrer", "引荐人/机构", width=20, help="以商招商等的引荐人或机构；可留空。"),
    ImportColumn("source", "线索来源", width=20, help="可留空。"),
    ImportColumn("department", "责任部门", True, width=14,
                 help="必填，填部门名称。招商专员只能导入本部门的项目。"),
    ImportColumn("officer", "责任人", width=12, help="招商专员的用户名（登录名）；可留空。"),
    ImportColumn("notes", "备注", width=30, help="可留空。"),
    ImportColumn("stage", "阶段", width=10,
                 help=f"新项目可直接登记为 {_STAGE_LABELS} 之一（留空为线索），须同时填写该阶段的日期，"
                      "签约及以后的阶段还须填写签约投资额；不能直接登记为暂缓或终止。已有项目的阶段只能按流程"
                      "前进一步（或暂缓、终止），与在项目页办理相同，须满足该阶段的佐证要求。"),
    *[ImportColumn(STAGE_DATE_FIELD[s], f"{data_label(s)}日期", kind="date", width=12,
                   help=("日期，如 2025-03-28。" + ("新项目留空时为导入当天。" if s == ProjectStage.LEAD else
                         "")) + "已登记的阶段日期不能通过导入修改；不能晚于今天；各阶段日期须按先后顺序。")
      for s in PIPELINE[:4]],
    ImportColumn("signed_amount", "签约投资额（亿元）", kind="amount", width=12,
                 help="签约时的投资额，单位亿元。新项目登记为签约及以后阶段时必填；已有项目只在本次变更为签约时填写。"
                      "增资、技改升级请在项目页登记投资变更（不重复统计）。"),
    *[ImportColumn(STAGE_DATE_FIELD[s], f"{data_label(s)}日期", kind="date", width=12,
                   help="日期，如 2025-03-28。规则同上。") for s in PIPELINE[4:]],
    ImportColumn("stage_note", "阶段变更说明", width=24,
                 help="已有项目本次变更阶段时的说明；变更为暂缓或终止时必填（原因）。"),
    ImportColumn("confirm_duplicate", "确认不是重复项目", width=12,
                 help="新项目与已有项目名称相似时，系统会报“疑似重复”；核对后确认不是同一项目，填“是”再导入。"),
    ImportColumn("version", "版本", kind="int", width=6,
                 help="系统填写，请勿修改。导出时项目的版本号；重新导入时，若项目在导出后已在网页上被修改，该行会被拒绝，"
                      "以免旧文件覆盖新的修改（请重新导出后再改）。有 ID 的行必须带此列；新项目留空。"),
    # 台账 (the ledger), after the columns files made before it had: every field of the project's
    # ledger, named as on the project form.
    ImportColumn("project_type", "项目类型", width=12, help="可留空；填“项目类型”列表中的名称（见下方可填写的值）。"),
    ImportColumn("investor_nature", "投资方性质", width=12, help="可留空；填“投资方性质”列表中的名称。"),
    ImportColumn("origin", "投资方来源地", width=14,
                 help="可留空。境内投资方填统计用区划代码：省 2 位、市 4 位或区县 6 位（如 44 广东省、4403 深圳市）；"
                      "境外投资方（含港澳台）填国别（地区）名称或代码，如 德国、DE、中国香港。"),
    ImportColumn("is_foreign", "是否外资", width=8, help="填“是”或“否”（留空为否）。外资项目才填合同外资、实际使用外资。"),
    ImportColumn("contract_foreign_capital", "合同外资（万美元）", kind="amount", width=12,
                 help="数字，单位万美元，最多两位小数；不能为负数，不能超过 1000 万万美元。"),
    ImportColumn("actual_foreign_capital", "实际使用外资（万美元）", kind="amount", width=12, help="同上。"),
    ImportColumn("expected_output", "预计年产值（亿元）", kind="amount", width=12,
                 help="达产后每年的产值，单位亿元；经济影响测算的运营期以此为准。不能超过 10000 亿元。"),
    ImportColumn("expected_tax", "预计年税收（亿元）", kind="amount", width=12, help="单位亿元，最多四位小数（如 0.0500 即 500 万元）。"),
    ImportColumn("land_mu", "用地（亩）", kind="amount", width=10, help="数字，单位亩。"),
    ImportColumn("landing_site", "落地园区/街道", width=14, help="可留空；填“落地园区/街道”列表中的名称。"),
    ImportColumn("expected_jobs", "预计新增就业（人）", kind="int", width=10, help="整数，单位人。"),
    ImportColumn("investor_contact", "投资方联系人", width=12, help="可留空。"),
    ImportColumn("investor_phone", "联系方式", width=16, help="可留空；电话或邮箱。"),
    ImportColumn("key_level", "重点项目级别", width=12, help="可留空；填“重点项目级别”列表中的名称，如 市重点项目。"),
    # 阶段佐证 (stage evidence), after the ledger: files made before them keep their column numbers.
    ImportColumn("signed_counterparty", "签约主体", width=20,
                 help="签约佐证：与我方签约的企业或机构。已有项目本次变更为签约时必填（签约协议文件须已在项目页上传）；"
                      "新项目登记为签约及以后阶段时填写（原台账没有的可留空，项目页会列为“佐证待补”）。"),
    ImportColumn("registered_uscc", "新设企业统一社会信用代码", width=22,
                 help="注册佐证：18 位，按 GB 32100-2015 校验。已有项目本次变更为注册时必填；新项目登记为注册及以后阶段时填写。"),
    ImportColumn("construction_permit_no", "施工许可证号", width=18,
                 help="开工佐证。已有项目本次变更为开工时必填；新项目登记为开工及以后阶段时填写。"),
    ImportColumn("capacity_text", "达产产能", width=22,
                 help="达产佐证，如“年产 10 万套电驱总成”。已有项目本次变更为达产时必填；新项目登记为达产时填写。"
                      "四项佐证只能补填空缺的，已登记的不能通过导入修改；项目尚未到的阶段不应填写。"),
]

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _allowed_values() -> list[tuple[str, str]]:
    officers = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("username")
    ledger = list(LedgerChoice.objects.filter(is_active=True))  # every list's choices, one query
    return [
        ("所属产业", "、".join(Industry.objects.values_list("name", flat=True))),
        ("招商方式", "、".join(AttractionMethod.labels)),
        ("责任部门", "、".join(Department.objects.order_by("code").values_list("name", flat=True))),
        ("阶段", "、".join(ProjectStage.labels)),
        ("责任人（用户名）", "、".join(f"{u.username}（{u}）" for u in officers)),
        *((ledger_list.label, "、".join(c.name for c in ledger if c.list == ledger_list)) for ledger_list in LedgerList),
        ("是否外资", "是、否"),
    ]


def _notes_sheet(wb) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    columns = [xlsx.Column("列名", "text", 20), xlsx.Column("是否必填", "text", 10),
               xlsx.Column("说明", "text", 90)]
    xlsx.set_widths(ws, columns)
    row = xlsx.write_banner(ws, 1, "招商项目导入模板 · 填表说明", 3, size=14, bold=True)
    row = xlsx.write_banner(ws, row, (
        "在“项目”工作表中每行填写一个项目，第 1 行为列名，请勿修改列名（列的顺序可以调整，不需要的可选列可以删除）。"
        "导入时逐行校验：只要有一处错误，整个文件都不导入，并列出“第 N 行 第 M 列（列名）: 原因”；改正后重新导入即可。"
        "重新导入同一项目会更新原项目而不是重复登记，每个新建或修改的项目都记入审计日志。"), 3,
        height=48)
    row = xlsx.write_header(ws, row + 1, columns)
    for column in COLUMNS:
        required = "必填" if column.required else "可选"
        row = xlsx.write_row(ws, row, columns, [column.label, required, column.help])
    row = xlsx.write_banner(ws, row + 1, "可填写的值（导出时的数据库内容）", 3, size=12, bold=True)
    row = xlsx.write_header(ws, row, [xlsx.Column("列名"), xlsx.Column("允许的值"), xlsx.Column("")])
    for label, values in _allowed_values():
        row = xlsx.write_row(ws, row, columns, [label, values, ""])


def _data_sheet(wb):
    ws = wb.active
    ws.title = DATA_SHEET
    columns = [c.column for c in COLUMNS]
    xlsx.set_widths(ws, columns)
    xlsx.write_header(ws, 1, columns)
    ws.freeze_panes = "C2"
    xlsx.setup_print(ws, header_row=1)
    return ws, columns


@in_data_language
def template_workbook() -> bytes:
    """An empty import template: the header row and the 填表说明 sheet."""
    wb = Workbook()
    _data_sheet(wb)
    _notes_sheet(wb)
    return xlsx.workbook_bytes(wb)


def project_row(project) -> list:
    """One project as workbook values in :data:`COLUMNS` order (officer by user name)."""
    values = {
        "id": project.pk, "name": project.name, "investor": project.investor.name if project.investor else "",
        "industry": project.industry.name, "chain_node": project.chain_node.name if project.chain_node else "",
        "amount": project.amount, "method": project.get_method_display(), "referrer": project.referrer,
        "source": project.source, "department": project.department.name,
        "officer": project.officer.username if project.officer else "", "notes": project.notes,
        "stage": project.get_stage_display(), "signed_amount": project.signed_amount,
        "stage_note": "", "confirm_duplicate": "", "version": project.version,
        "signed_counterparty": project.signed_counterparty, "registered_uscc": project.registered_uscc,
        "construction_permit_no": project.construction_permit_no, "capacity_text": project.capacity_text,
        "origin": project.origin_division or (project.origin_country.name if project.origin_country else ""),
        "is_foreign": "是" if project.is_foreign else "否",
    }
    for name in ("project_type", "investor_nature", "landing_site", "key_level"):
        choice = getattr(project, name)
        values[name] = choice.name if choice else ""
    for name in ("contract_foreign_capital", "actual_foreign_capital", "expected_output", "expected_tax", "land_mu",
                 "expected_jobs", "investor_contact", "investor_phone"):
        values[name] = getattr(project, name)
    for field in STAGE_DATE_FIELD.values():
        values[field] = getattr(project, field)
    return [values[c.key] for c in COLUMNS]


@in_data_language
def export_workbook(queryset) -> bytes:
    """The projects of ``queryset`` (already filtered; ``with_related`` avoids a query per row)."""
    wb = Workbook()
    ws, columns = _data_sheet(wb)
    row = 2
    for project in queryset.iterator(chunk_size=2000):
        row = xlsx.write_row(ws, row, columns, project_row(project))
    _notes_sheet(wb)
    wb.properties.title = f"招商项目导出 {timezone.localdate():%Y-%m-%d}"
    return xlsx.workbook_bytes(wb)
