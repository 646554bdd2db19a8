"""The inspection report PDF (现场检查记录/报告): the checklist, the findings, the photos, the
representative's acknowledgement and the outcome. Laid out by WeasyPrint with the system's
Chinese font (the same font the electronic licence embeds); nothing is fetched from the network.
"""

from __future__ import annotations

import base64

from django.utils import timezone

from yaojian.inspection import selectors
from yaojian.inspection.choices import Grade
from yaojian.inspection.models import Inspection


def _data_uri(photo) -> str:
    with photo.file.open("rb") as handle:
        data = handle.read()
    return f"data:{photo.content_type};base64,{base64.b64encode(data).decode()}"


def render(inspection: Inspection) -> bytes:
    from yaojian.elicence import pdf as elicence_pdf

    items = selectors.items_of(inspection)
    findings = list(inspection.findings.select_related("item"))
    photos = []
    for photo in inspection.photos.select_related("finding__item"):
        try:
            photos.append({"photo": photo, "src": _data_uri(photo)})
        except OSError:  # a file missing from storage does not stop the report
            photos.append({"photo": photo, "src": ""})
    counts = {grade: sum(1 for f in findings if f.grade == grade) for grade in Grade.values}
    context = {
        "inspection": inspection,
        "items": items,
        "findings": findings,
        "photos": photos,
        "counts": counts,
        "team": list(inspection.team.all()),
        "rectifications": list(inspection.rectifications.all()),
        "generated_at": timezone.localtime(),
    }
    return elicence_pdf.template_pdf("inspection/report_pdf.html", context)
