"""The starting checklists (GSP wholesale and retail, GMP, device distribution and production,
cosmetics production) from `yaojian.inspection.standard`; administrators change them later."""

from django.db import migrations


def install(apps, schema_editor):
    from yaojian.inspection import standard

    standard.install(
        apps.get_model("inspection", "Checklist"), apps.get_model("inspection", "ChecklistItem")
    )


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
