"""Timeline entries carry what a stage change recorded as values (``params``) instead of a sentence
that repeats the entry's own heading: the stage changes recorded so far get their evidence from the
project, and the generated text "阶段变更：A → B" — shown beside the heading that already says
A → B — is cleared (a note the user typed stays)."""

from django.db import migrations

#: The stage labels when these events were written (the migration must not read today's choices).
LABELS = {"lead": "线索", "contacted": "接洽", "negotiating": "洽谈", "signed": "签约", "registered": "注册",
          "construction": "开工", "production": "投产", "full_capacity": "达产", "paused": "暂缓",
          "dropped": "终止"}
#: The evidence each stage recorded on the project.
EVIDENCE = {"signed": ("signed_amount", "signed_counterparty"), "registered": ("registered_uscc",),
            "construction": ("construction_permit_no",),
            "full_capacity": ("capacity_text", "capacity_value", "capacity_unit")}


def forwards(apps, schema_editor):
    ProjectEvent = apps.get_model("projects", "ProjectEvent")
    events = ProjectEvent.objects.filter(kind="stage_change").select_related("project")
    for event in events.iterator(chunk_size=2000):
        changed = False
        generated = f"阶段变更：{LABELS.get(event.from_stage, event.from_stage)} → {LABELS.get(event.to_stage, event.to_stage)}"
        if event.text == generated:
            event.text = ""
            changed = True
        # A resumption from 暂缓 records nothing new.
        fields = EVIDENCE.get(event.to_stage, ()) if event.from_stage != "paused" else ()
        # The project holds the evidence of its one move to each of these stages (the first signing).
        params = {f: getattr(event.project, f) for f in fields if getattr(event.project, f) not in (None, "")}
        if params and not event.params:
            event.params = {k: str(v) if not isinstance(v, str) else v for k, v in params.items()}
            changed = True
        if changed:
            event.save(update_fields=["text", "params"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_ledger_and_funds")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
