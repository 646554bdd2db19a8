"""The sampling record as a PDF: for the regulators who see the task (samplers, the bureau,
the laboratory) and for the enterprise sampled, scoped exactly like the task itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from yaojian.core.errors import NotFound
from yaojian.sampling import selectors


@login_required
def record_pdf(request, task_id: int):
    from yaojian.sampling import pdf

    task = selectors.task_get(request.user, task_id)
    if getattr(task, "sample", None) is None:
        raise NotFound(_("No sampling record has been made for this task yet."))
    response = HttpResponse(pdf.render(task), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{task.sample.record_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
