from django import template

from yaojian.workbench.navigation import sections_for

register = template.Library()


@register.inclusion_tag("workbench/sidebar.html", takes_context=True)
def workbench_sidebar(context):
    return {"sections": sections_for(context["request"].user), "nav": context.get("nav", "")}
