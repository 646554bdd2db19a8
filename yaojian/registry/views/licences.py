"""The licence register: list, detail with history, status changes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yaojian.core.errors import DomainError
from yaojian.core.pages import regulator
from yaojian.registry import selectors, services
from yaojian.registry.choices import LicenceKind, LicenceStatus
from yaojian.registry.views.common import can_edit, list_page, region_choices
from yaojian.registry.views.enterprises import EXPIRY_WINDOWS

EXPORT_COLUMNS = [
    (gettext_lazy("Type"), lambda x: x.get_kind_display()),
    (gettext_lazy("Number"), lambda x: x.number),
    (gettext_lazy("Holder"), lambda x: x.holder.name),
    (gettext_lazy("Unified social credit code"), lambda x: x.holder.uscc),
    (gettext_lazy("Scope"), lambda x: x.display_scope),
    (gettext_lazy("Registered address"), lambda x: x.registered_address),
    (gettext_lazy("Warehouse address"), lambda x: x.warehouse_address),
    (gettext_lazy("Person in charge"), lambda x: x.principal),
    (gettext_lazy("Quality manager"), lambda x: x.quality_manager),
    (gettext_lazy("Valid from"), lambda x: x.valid_from),
    (gettext_lazy("Valid until"), lambda x: x.valid_until),
    (gettext_lazy("Status"), lambda x: x.get_status_display()),
]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=LicenceStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason and decision number"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


@login_required
def licence_list(request):
    user = regulator(request)
    get = request.GET
    filters = {
        "query": get.get("q", "").strip(),
        "kind": get.get("kind", ""),
        "status": get.get("status", ""),
        "region_code": get.get("region", ""),
        "expiring": get.get("expiring", ""),
        "sort": get.get("sort", "valid_until"),
    }
    return list_page(
        request,
        selectors.licence_list(user, **filters),
        template="registry/licence_list.html",
        rows_template="registry/licence_rows.html",
        nav="licences",
        export_name="licences",
        export_sheet=_("Licences"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": filters,
            "kinds": LicenceKind.choices,
            "statuses": LicenceStatus.choices,
            "divisions": region_choices(user),
            "windows": EXPIRY_WINDOWS,
        },
    )


@login_required
def licence_detail(request, pk: int):
    user = regulator(request)
    licence = selectors.licence_get(user, pk)
    return render(
        request,
        "registry/licence_detail.html",
        {
            "nav": "licences",
            "licence": licence,
            "history": selectors.history_of(licence)[:100],
            "status_form": StatusForm(initial={"status": licence.status}),
            "can_edit": can_edit(user),
        },
    )


@login_required
@require_POST
def licence_status(request, pk: int):
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and give the reason."))
        return redirect("registry:licence_detail", pk=pk)
    try:
        services.licence_set_status(actor=regulator(request), licence_id=pk, **form.cleaned_data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The licence's status was changed and recorded."))
    return redirect("registry:licence_detail", pk=pk)
