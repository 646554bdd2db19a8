"""Small display helpers of the hall's templates: status and check colours, form values."""

from django import template

from yaojian.core.texts import join_items, reads_chinese
from yaojian.licensing.choices import CheckResult, Status

register = template.Library()

STATUS_COLOURS = {
    Status.DRAFT: "secondary",
    Status.SUBMITTED: "info",
    Status.CORRECTING: "warning",
    Status.NOT_ACCEPTED: "dark",
    Status.REVIEWING: "primary",
    Status.INSPECTING: "primary",
    Status.DECIDING: "primary",
    Status.ISSUED: "success",
    Status.REFUSED: "danger",
    Status.WITHDRAWN: "secondary",
}
CHECK_STYLES = {
    CheckResult.PASS: ("success", "bi-check-circle-fill"),
    CheckResult.WARN: ("warning", "bi-exclamation-triangle-fill"),
    CheckResult.FAIL: ("danger", "bi-x-circle-fill"),
    CheckResult.NOT_APPLICABLE: ("secondary", "bi-dash-circle"),
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")


@register.filter
def check_colour(result: str) -> str:
    return CHECK_STYLES.get(result, ("secondary", ""))[0]


@register.filter
def check_icon(result: str) -> str:
    return CHECK_STYLES.get(result, ("secondary", "bi-question-circle"))[1]


@register.filter
def check_label(result: str) -> str:
    try:
        return str(CheckResult(result).label)
    except ValueError:
        return result


@register.filter
def form_value(value) -> str:
    """A form value as text: lists joined as the reader's language joins them, empty as a dash
    (choices are put in the reader's language before: `queries.form_rows`)."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return join_items(value)
    return str(value)


@register.filter
def items(values) -> str:
    """A list on one line, separated as the reader's language does (、 or , )."""
    return join_items(values or [])


@register.simple_tag
def colon() -> str:
    """The colon between a label and its text, in the reader's language's punctuation."""
    return "：" if reads_chinese() else ": "


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template ({{ form_data|get_item:name }}); None when absent."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.filter
def acceptance_due(application):
    """The last day to accept an application awaiting acceptance (None otherwise)."""
    from yaojian.licensing import clock

    if application.status != Status.SUBMITTED:
        return None
    return clock.acceptance_due(application)
