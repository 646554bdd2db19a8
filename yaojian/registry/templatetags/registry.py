"""Links from any record that names a register entry to its page (the files, a licence…)."""

from django import template
from django.urls import reverse

register = template.Library()

PAGES = {
    "registry.enterprise": "registry:enterprise_detail",
    "registry.product": "registry:product_detail",
    "registry.licence": "registry:licence_detail",
    "registry.person": "registry:person_detail",
}


@register.simple_tag
def record_url(object_type: str, object_id) -> str:
    """The page of a register record named by its type and id, or "" for other records."""
    name = PAGES.get(object_type or "")
    if not name or not str(object_id or "").isdigit():
        return ""
    return reverse(name, args=[int(object_id)])
