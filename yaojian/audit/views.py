from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.audit import selectors
from yaojian.audit.choices import Outcome
from yaojian.core.excel import export_response
from yaojian.core.forms import paginate


class AuditFilterForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    action = forms.CharField(
        label=gettext_lazy("Action"),
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "list": "audit-actions"}
        ),
    )
    object_type = forms.CharField(
        label=gettext_lazy("Object type"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    object_id = forms.CharField(
        label=gettext_lazy("Object id"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("Any outcome")), *Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control form-control-sm", "type": "date"}),
    )


EXPORT_COLUMNS = [
    (gettext_lazy("Sequence"), lambda e: e.seq),
    (gettext_lazy("Time"), lambda e: e.at),
    (gettext_lazy("User"), lambda e: e.actor_username),
    (gettext_lazy("Account type"), lambda e: e.actor_kind),
    (gettext_lazy("Roles"), lambda e: e.actor_roles),
    (gettext_lazy("Bureau or enterprise"), lambda e: e.actor_org),
    (gettext_lazy("Action"), lambda e: e.action),
    (gettext_lazy("Object type"), lambda e: e.object_type),
    (gettext_lazy("Object id"), lambda e: e.object_id),
    (gettext_lazy("Outcome"), lambda e: e.get_outcome_display()),
    (gettext_lazy("Detail"), lambda e: e.detail),
    (gettext_lazy("Changes"), lambda e: e.changes or ""),
    (gettext_lazy("IP address"), lambda e: e.ip),
    (gettext_lazy("User agent"), lambda e: e.user_agent),
    (gettext_lazy("Hash (SM3)"), lambda e: e.hash),
]


@login_required
def log(request):
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # an invalid field is shown on the form; the valid ones still filter
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    entries = selectors.audit_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return export_response(
            filename="audit-log",
            sheet=_("Audit log"),
            columns=EXPORT_COLUMNS,
            rows=entries.iterator(chunk_size=2000),
        )
    return render(
        request,
        "audit/log.html",
        {
            "nav": "audit",
            "form": form,
            "page": paginate(request, entries, per_page=50),
            "actions": selectors.action_names(request.user),
        },
    )
