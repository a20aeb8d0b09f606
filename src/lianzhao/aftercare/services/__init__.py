"""State changes of enterprise service, one module per concern. Each function checks permission and
data, changes the rows in one transaction and writes one audit row; it runs in the data language
(Chinese history and audit text whoever calls it) and returns the object it wrote.

* :mod:`.tickets` — raise, route, accept, forward, answer, rate (close or reopen) a request; notes and
  attachments; the row lock with the optimistic version check
* :mod:`.companies` — service officers, visits (planned and made), policies received
* :mod:`.landing` — landing checklists (高效办成一件事) and their steps; the projects' ``landing_due_on``
* :mod:`.common` — today's date (tests pin it)
"""

from lianzhao.aftercare.services.companies import (
    assign_service_officer,
    plan_visit,
    record_policy,
    record_visit,
)
from lianzhao.aftercare.services.landing import complete_step, refresh_landing_due, start_checklist, template_for
from lianzhao.aftercare.services.tickets import (
    accept_ticket,
    add_ticket_note,
    answer_ticket,
    attach_ticket_file,
    forward_ticket,
    raise_ticket,
    rate_ticket,
    route_ticket,
)

__all__ = [
    "accept_ticket",
    "add_ticket_note",
    "answer_ticket",
    "assign_service_officer",
    "attach_ticket_file",
    "complete_step",
    "forward_ticket",
    "plan_visit",
    "raise_ticket",
    "rate_ticket",
    "record_policy",
    "record_visit",
    "refresh_landing_due",
    "route_ticket",
    "start_checklist",
    "template_for",
]
