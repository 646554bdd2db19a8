from django.db import migrations


def install(apps, schema_editor):
    from yaojian.licensing.catalogue import install as install_matters

    install_matters(apps.get_model("licensing", "Matter"))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
