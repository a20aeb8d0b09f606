"""A landing template names its project type by the ledger's 项目类型 list (a choice an admin picks),
no longer by a code typed as text: a mistyped code had made a template that silently never applied.

Existing codes that name a 项目类型 become that choice; blank stays the default template. A code that
names none had never applied to any project: the template keeps its steps, is switched off, and its
name says which code it had, so that an admin can pick the type it meant and switch it on again
(made the default instead, it would have started applying to every project)."""

import django.db.models.deletion
from django.db import migrations, models

from lianzhao.projects.ledger import ensure_default_choices


def forwards(apps, schema_editor):
    # An installation upgraded from before the ledger lists has them empty until this migrate run
    # ends (post_migrate fills them): fill them now, the same way, so the default types are known.
    ensure_default_choices(apps=apps, using=schema_editor.connection.alias)
    template_model = apps.get_model("aftercare", "LandingTemplate")
    choice_model = apps.get_model("projects", "LedgerChoice")
    types = set(choice_model.objects.filter(list="project_type").values_list("code", flat=True))
    for template in template_model.objects.exclude(project_type_code=""):
        if template.project_type_code in types:
            template.project_type_id = template.project_type_code
        else:
            note = f"（类型代码 {template.project_type_code} 不存在，已停用）"
            template.name = template.name[: 64 - len(note)] + note
            template.is_active = False
        template.save()


def backwards(apps, schema_editor):
    template_model = apps.get_model("aftercare", "LandingTemplate")
    for template in template_model.objects.exclude(project_type=None):
        template.project_type_code = template.project_type_id
        template.save()


class Migration(migrations.Migration):
    dependencies = [("aftercare", "0002_defaults"), ("projects", "0005_ledger_and_funds")]

    operations = [
        migrations.AlterModelOptions(name="landingtemplate", options={
            "ordering": ["name"], "verbose_name": "落地事项模板", "verbose_name_plural": "落地事项模板"}),
        migrations.RenameField("landingtemplate", "project_type", "project_type_code"),
        migrations.AddField(
            model_name="landingtemplate", name="project_type",
            field=models.ForeignKey(blank=True, help_text="留空为默认模板，适用于没有专门模板的项目。",
                                    limit_choices_to={"list": "project_type"}, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="landing_templates",
                                    to="projects.ledgerchoice", verbose_name="适用项目类型"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("landingtemplate", "project_type_code"),
        migrations.AlterModelOptions(name="landingtemplate", options={
            "ordering": [models.F("project_type").asc(nulls_first=True), "name"],
            "verbose_name": "落地事项模板", "verbose_name_plural": "落地事项模板"}),
    ]
