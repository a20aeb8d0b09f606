"""State changes of investment projects, one module per concern. Each function checks permission and
data, changes the rows in one transaction and writes its own audit record; views never assign
``stage`` (or anything else) themselves. Each runs in the data language (Chinese timeline text and
audit reasons whoever calls it: :func:`lianzhao.core.i18n.in_data_language`), and returns the object
it wrote.

* :mod:`.lifecycle` — create a project, edit its descriptive fields, its milestone plan, log events
* :mod:`.stages` — move a project along the pipeline with the evidence each stage needs; fill in
  the evidence a project created at a later stage lacks
* :mod:`.files` — evidence files
* :mod:`.investments` — capital increases, upgrades, re-signings and reductions (不重复统计)
* :mod:`.funds` — funds actually in place (实际到位资金), counted once
* :mod:`.merge` — merging a duplicate into the project that keeps the identity
* :mod:`.locking` — the row lock and optimistic version check every write above goes through
* :mod:`.common` — today's date (tests pin it) and the "not in the future" check
"""

from lianzhao.projects.services.files import attach_file
from lianzhao.projects.services.funds import record_funds
from lianzhao.projects.services.investments import record_investment_change
from lianzhao.projects.services.lifecycle import (
    EDITABLE_FIELDS,
    LEDGER_FIELDS,
    add_event,
    create_project,
    update_plan,
    update_project,
)
from lianzhao.projects.services.merge import merge_projects
from lianzhao.projects.services.stages import change_stage, fill_evidence

__all__ = [
    "EDITABLE_FIELDS",
    "LEDGER_FIELDS",
    "add_event",
    "attach_file",
    "change_stage",
    "create_project",
    "fill_evidence",
    "merge_projects",
    "record_funds",
    "record_investment_change",
    "update_plan",
    "update_project",
]
