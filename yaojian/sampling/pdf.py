"""The sampling record PDF (抽样记录及凭证): the task and its plan, the enterprise sampled, the
product and batch, the quantity taken and the price paid for it, the seals, the samplers, the
enterprise's signature or its recorded refusal, the chain of custody and the laboratory.

Laid out by WeasyPrint with the system's Chinese font, exactly as the inspection report
(`yaojian/inspection/pdf.py`) is: the font and the URL fetcher are the electronic licence's, so
nothing is fetched from the network.
"""

from __future__ import annotations

from django.utils import timezone

from yaojian.sampling.models import Task


def _manufacturer(task: Task) -> str:
    product = task.product
    if product is None:
        return ""
    if product.manufacturer_name:
        return product.manufacturer_name
    if product.manufacturer_id:
        return product.manufacturer.name
    return product.holder_name or (product.holder.name if product.holder_id else "")


def _specification(task: Task) -> str:
    product = task.product
    if product is None:
        return ""
    return " · ".join(
        part for part in (product.dosage_form, product.strength, product.package_spec) if part
    )


def render(task: Task) -> bytes:
    """The PDF bytes of the sampling record of `task` (which must have one)."""
    from yaojian.elicence import pdf as elicence_pdf

    sample = task.sample
    context = {
        "task": task,
        "plan": task.plan,
        "enterprise": task.enterprise,
        "product": task.product,
        "sample": sample,
        "manufacturer": _manufacturer(task),
        "specification": _specification(task),
        "samplers": list(task.samplers.select_related("bureau").order_by("full_name", "pk")),
        "handovers": list(sample.handovers.all()),
        "generated_at": timezone.localtime(),
    }
    return elicence_pdf.template_pdf("sampling/record_pdf.html", context)
