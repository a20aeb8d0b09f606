from django.db import models


class Role(models.TextChoices):
    """What a user may do. Admins do everything; leaders and analysts read everything; officers edit
    their own department's projects; analysts also run analyses."""

    ADMIN = "admin", "管理员"
    LEADER = "leader", "领导"
    OFFICER = "officer", "招商专员"
    ANALYST = "analyst", "经济分析员"
