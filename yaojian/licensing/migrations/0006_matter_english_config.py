from django.db import migrations


def fill(apps, schema_editor):
    # an upgraded database gets the English of the shipped matters' materials and form fields
    # (names, labels, choices) without an operator running install_shipped_data; whatever the
    # administrators wrote themselves stays as it is
    from yaojian.licensing.catalogue import fill_english_config

    fill_english_config(apps.get_model("licensing", "Matter"))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0005_matter_english_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
