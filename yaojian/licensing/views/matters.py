"""The catalogue editor (事项清单): administrators configure matters without code. The
materials and form fields are JSON lists checked by `licensing.config` when saved; a mistake
names the path of the faulty item on its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.accounts.services import require_role
from yaojian.core.errors import DomainError
from yaojian.core.forms import apply_errors
from yaojian.core.pages import regulator, reraise_access
from yaojian.licensing import forms, queries, selectors, services

EDITORS = (Role.SYSTEM_ADMIN, Role.LEADER)
NEW_MATTER = {
    "kind": "new",
    "handling_level": "city",
    "statutory_limit": 20,
    "committed_limit": 10,
    "active": True,
    "materials": [
        {
            "code": "application_form",
            "name": "申请表",
            "name_en": "Application form",
            "types": ["pdf"],
        }
    ],
    "form_fields": [
        {
            "name": "enterprise_name",
            "label": "企业名称",
            "label_en": "Enterprise name",
            "prefill": "enterprise.name",
        }
    ],
    "scope_choices": [],
}


def _editor(request):
    user = regulator(request)
    require_role(user, *EDITORS, action="licensing.matter.edit")
    return user


@login_required
def matter_list(request):
    user = _editor(request)
    matters = selectors.matter_list(user, include_inactive=True)
    return render(
        request,
        "licensing/matter_list.html",
        {"nav": "licensing", "groups": queries.matters_grouped(matters)},
    )


def _save(request, user, form, code: str, template_context: dict):
    if request.method == "POST" and form.is_valid():
        if not form.existing and queries.matter_exists(code):
            form.add_error("code", _("A matter with this code exists already: edit it instead."))
        else:
            try:
                matter = services.matter_save(actor=user, code=code, **form.values())
            except DomainError as error:
                reraise_access(error)
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("Matter “%(name)s” was saved.") % {"name": matter.display_name}
                )
                return redirect("licensing:matters")
    return render(
        request,
        "licensing/matter_edit.html",
        {"nav": "licensing", "form": form, **template_context},
    )


@login_required
def matter_edit(request, code: str):
    user = _editor(request)
    matter = selectors.matter_get(code)
    form = forms.MatterForm(
        request.POST if request.method == "POST" else None,
        initial=forms.matter_initial(matter),
        existing=True,
    )
    return _save(request, user, form, matter.code, {"matter": matter})


@login_required
def matter_new(request):
    user = _editor(request)
    form = forms.MatterForm(request.POST if request.method == "POST" else None, initial=NEW_MATTER)
    code = form.cleaned_data.get("code", "") if form.is_bound and form.is_valid() else ""
    return _save(request, user, form, code, {"matter": None})
