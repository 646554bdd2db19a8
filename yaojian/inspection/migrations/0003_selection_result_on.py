"""The date a drawn inspection's result was recorded, the outcome "rectified", and the results
of field inspections decided before their outcome was copied onto the draw."""

from django.db import migrations, models
from django.utils import timezone


def _date(value):
    return timezone.localtime(value).date() if value else None


def copy_decided_results(apps, schema_editor):
    """Selections still without a result whose field inspection already has its outcome."""
    DrawSelection = apps.get_model("inspection", "DrawSelection")
    Inspection = apps.get_model("inspection", "Inspection")
    pending = DrawSelection.objects.filter(outcome="").exclude(task_ref="")
    for selection in pending.select_related("draw").iterator():
        inspection = (
            Inspection.objects.filter(
                number=selection.task_ref,
                enterprise_id=selection.enterprise_id,
                origin="random_draw",
            )
            .exclude(outcome="")
            .first()
        )
        if inspection is None:
            continue
        outcome = inspection.outcome
        if outcome == "rectify" and inspection.status == "closed":
            outcome = "rectified"
        drawn_on = _date(selection.draw.drawn_at)
        on_site = _date(inspection.submitted_at) or _date(inspection.decided_at) or drawn_on
        selection.outcome = outcome
        selection.inspected_on = max(on_site, drawn_on)
        selection.result_on = _date(inspection.closed_at or inspection.decided_at) or on_site
        selection.outcome_note = f"Field inspection {inspection.number}."
        selection.save(update_fields=["outcome", "inspected_on", "result_on", "outcome_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspection", "0002_standard_checklists"),
    ]

    operations = [
        migrations.AddField(
            model_name="drawselection",
            name="result_on",
            field=models.DateField(blank=True, null=True, verbose_name="result recorded on"),
        ),
        migrations.AlterField(
            model_name="drawselection",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not yet inspected"),
                    ("pass", "No problem found"),
                    ("rectify", "Rectification required"),
                    ("refer", "Referred for a penalty case"),
                    ("closed", "Not found or closed down"),
                    ("rectified", "Rectified (rectification accepted)"),
                ],
                default="",
                max_length=10,
                verbose_name="outcome",
            ),
        ),
        migrations.RunPython(copy_decided_results, migrations.RunPython.noop),
    ]
