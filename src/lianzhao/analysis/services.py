"""Audited changes to the analysis inputs: settings and per-project impact assumptions."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lianzhao.accounts import permissions
from lianzhao.analysis.models import AnalysisSettings, ProjectImpactInput
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.services import record_change, snapshot


def update_settings(settings: AnalysisSettings, *, changes: dict, acting_user) -> AnalysisSettings:
    """Change a region's analysis settings; bumps ``version`` so cached results are recomputed."""
    permissions.require(permissions.can_manage_analysis(acting_user), _("只有经济分析员和管理员可以修改分析设置。"))
    with transaction.atomic():
        current = AnalysisSettings.objects.select_for_update().get(pk=settings.pk)
        before = snapshot(current)
        for key, value in changes.items():
            setattr(current, key, value)
        current.full_clean()
        if snapshot(current) == before:
            return current
        current.version += 1
        current.save()
        record_change(actor=acting_user, action=AuditAction.UPDATE, obj=current, before=before,
                      after=snapshot(current))
    return current


def save_impact_input(project, *, changes: dict, acting_user) -> ProjectImpactInput:
    """Create or change a project's impact assumptions (those who may edit the project)."""
    permissions.require(permissions.can_edit_project(acting_user, project) or
                        permissions.can_manage_analysis(acting_user), _("您不能修改该项目的测算假设。"))
    with transaction.atomic():
        current = ProjectImpactInput.objects.select_for_update().filter(project=project).first()
        creating = current is None
        if creating:
            current = ProjectImpactInput(project=project)
        before = None if creating else snapshot(current)
        for key, value in changes.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
        after = snapshot(current)
        if creating or before != after:
            record_change(actor=acting_user, action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                          obj=current, before=before, after=after)
    return current
