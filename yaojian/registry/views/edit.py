"""Edit pages of the registers: the form, then the service, which validates and keeps history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core.errors import DomainError
from yaojian.core.forms import apply_errors
from yaojian.core.pages import regulator
from yaojian.registry import forms, selectors, services

ENTERPRISE_FIELDS = list(forms.EnterpriseForm.base_fields)
LICENCE_FIELDS = [f for f in forms.LicenceForm.base_fields if f != "note"]


def _edit(request, *, form, obj, save, template, nav, back):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved. The change is recorded in the record's history."))
            return redirect(back)
    return render(request, template, {"nav": nav, "form": form, "object": obj, "back": back})


@login_required
def enterprise_edit(request, pk: int):
    user = regulator(request)
    enterprise = selectors.enterprise_get(user, pk)
    initial = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    return _edit(
        request,
        form=forms.EnterpriseForm(request.POST or None, initial=initial),
        obj=enterprise,
        save=lambda data: services.enterprise_update(actor=user, enterprise_id=pk, **data),
        template="registry/edit.html",
        nav="enterprises",
        back=enterprise.get_absolute_url(),
    )


@login_required
def licence_edit(request, pk: int):
    user = regulator(request)
    licence = selectors.licence_get(user, pk)
    initial = {name: getattr(licence, name) for name in LICENCE_FIELDS}

    def save(data):
        note = data.pop("note", "")
        services.licence_update(actor=user, licence_id=pk, note=note, **data)

    return _edit(
        request,
        form=forms.LicenceForm(request.POST or None, initial=initial),
        obj=licence,
        save=save,
        template="registry/edit.html",
        nav="licences",
        back=licence.get_absolute_url(),
    )


@login_required
@require_POST
def person_status(request, pk: int):
    user = regulator(request)
    form = forms.PersonStatusForm(request.POST)
    if form.is_valid():
        try:
            services.person_update(actor=user, person_id=pk, **form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Saved. The change is recorded in the record's history."))
    return redirect("registry:person_detail", pk=pk)
