"""A new installation starts with the eight request categories and a default landing template; an
admin names the departments and adjusts days (基础数据管理 → 诉求类别 / 落地事项模板)."""

from django.db import migrations

CATEGORIES = [
    ("land", "用地", 15), ("labour", "用工", 10), ("finance", "融资", 15), ("approval", "审批", 10),
    ("utilities", "水电气", 10), ("policy", "政策兑现", 20), ("logistics", "物流", 10), ("other", "其他", 15),
]
STEPS = [
    ("企业设立登记", 30), ("用地预审/供地", 90), ("规划许可", 120), ("环评/能评", 120),
    ("施工许可", 150), ("水电气报装", 180), ("竣工验收", 450), ("投产备案", 480),
]


def forwards(apps, schema_editor):
    category = apps.get_model("aftercare", "TicketCategory")
    for order, (code, name, days) in enumerate(CATEGORIES):
        category.objects.get_or_create(code=code, defaults={"name": name, "days": days, "order": order})
    template_model = apps.get_model("aftercare", "LandingTemplate")
    step = apps.get_model("aftercare", "LandingTemplateStep")
    template, created = template_model.objects.get_or_create(name="默认落地事项", defaults={"project_type": ""})
    if created:
        step.objects.bulk_create(step(template=template, order=i, name=name, due_days=days)
                                 for i, (name, days) in enumerate(STEPS))


class Migration(migrations.Migration):
    dependencies = [("aftercare", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
