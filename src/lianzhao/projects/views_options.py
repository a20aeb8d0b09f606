"""The option lists the project form refills with htmx: chain nodes of the chosen industry, and the
registry's companies matching what the officer types as investor. Without JavaScript the form works
without them (all nodes grouped by industry; the investor's full name typed)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.projects.form_fields import chain_node_choices, investor_suggestions


@require_GET
def chain_node_options(request):
    permissions.require(permissions.can_read(request.user))
    industry = request.GET.get("industry", "")
    choices = chain_node_choices(int(industry) if industry.isdigit() else None)
    options = [{"group": value, "options": label} if isinstance(label, list) else {"value": value, "label": label}
               for value, label in choices]
    return render(request, "projects/_options.html", {"options": options})


@require_GET
def investor_options(request):
    permissions.require(permissions.can_read(request.user))
    companies = investor_suggestions(request.GET.get("investor", ""))
    return render(request, "projects/_options.html", {"suggestions": companies})
