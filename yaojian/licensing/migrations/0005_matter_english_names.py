from django.db import migrations


def fill(apps, schema_editor):
    # an upgraded database gets the shipped matters' English names without an operator
    # running install_shipped_data; rows the administrators edited keep what they have
    from yaojian.licensing.catalogue import fill_english_names

    fill_english_names(apps.get_model("licensing", "Matter"))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0004_machine_clients")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
