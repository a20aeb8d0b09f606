from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class JobState(TranslatedTextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


#: States in which a job will not change any more.
FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED)
