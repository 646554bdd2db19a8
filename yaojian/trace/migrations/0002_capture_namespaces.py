"""Capture jobs keep their document's namespace prefixes (XML answers read them from here).

Jobs captured before this field existed get theirs from their stored document, once."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from yaojian.trace.epcis import DocumentInvalid, document_header

    CaptureJob = apps.get_model("trace", "CaptureJob")
    for job in CaptureJob.objects.filter(namespaces={}).only("pk", "path", "content_type"):
        try:
            with open(job.path, "rb") as stream:
                found = dict(document_header(stream, job.content_type).namespaces)
        except (OSError, DocumentInvalid):
            continue  # the document is gone or was refused: its events (if any) keep no prefixes
        if found:
            CaptureJob.objects.filter(pk=job.pk).update(namespaces=found)


class Migration(migrations.Migration):
    dependencies = [
        ("trace", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="capturejob",
            name="namespaces",
            field=models.JSONField(blank=True, default=dict, verbose_name="namespaces"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
