"""What the projects app tells the apps above it, which it may not import (the layers of
pyproject's import contract): they connect receivers in their ``AppConfig.ready``."""

from django.dispatch import Signal

#: Sent inside the transaction of a stage change to 签约 — a project's signing as it happens, not an
#: import registering projects signed long ago — with ``project`` (saved, at 签约) and
#: ``acting_user``. A receiver's error rolls the signing back: receivers check before they write.
project_signed = Signal()
