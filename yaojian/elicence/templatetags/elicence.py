from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def elicence_qr(elicence, scale: int = 4):
    """The QR code of an e-licence version as inline SVG (the link to its verification)."""
    from yaojian.elicence import pdf, services

    return mark_safe(pdf.qr_svg(services.verify_url(elicence), scale=int(scale)))  # noqa: S308 - segno's SVG


@register.inclusion_tag("elicence/versions.html", takes_context=True)
def elicence_versions(context, licence):
    """The e-licence versions of a licence, for its detail page: {% elicence_versions licence %}."""
    from yaojian.elicence.selectors import versions_of

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"elicence_versions": list(versions_of(user, licence)), "request": request}
