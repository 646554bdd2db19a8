from django import template

from yaojian.trace import labels

register = template.Library()
register.filter("step_label", labels.step_label)
register.filter("disposition_label", labels.disposition_label)
register.filter("code_display", labels.code_display)
register.filter("evidence_lines", labels.evidence_lines)
