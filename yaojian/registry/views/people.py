"""The people register: licensed pharmacists and quality managers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from yaojian.core.pages import regulator
from yaojian.registry import selectors
from yaojian.registry.choices import PersonRole, PersonStatus
from yaojian.registry.forms import PersonStatusForm
from yaojian.registry.views.common import can_edit, list_page, region_choices

EXPORT_COLUMNS = [
    (gettext_lazy("Full name"), lambda p: p.name),
    (gettext_lazy("Role"), lambda p: p.get_role_display()),
    (gettext_lazy("ID number"), lambda p: p.id_number_masked),
    (gettext_lazy("Registration certificate number"), lambda p: p.certificate_number),
    (pgettext_lazy("pharmacist", "Category"), lambda p: p.get_category_display()),
    (gettext_lazy("Enterprise"), lambda p: p.enterprise.name),
    (gettext_lazy("Registration valid until"), lambda p: p.registered_until),
    (gettext_lazy("Status"), lambda p: p.get_status_display()),
]


@login_required
def person_list(request):
    user = regulator(request)
    get = request.GET
    filters = {
        "query": get.get("q", "").strip(),
        "role": get.get("role", ""),
        "status": get.get("status", ""),
        "region_code": get.get("region", ""),
    }
    return list_page(
        request,
        selectors.person_list(user, **filters),
        template="registry/person_list.html",
        rows_template="registry/person_rows.html",
        nav="people",
        export_name="people",
        export_sheet=_("People"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": filters,
            "roles": PersonRole.choices,
            "statuses": PersonStatus.choices,
            "divisions": region_choices(user),
        },
    )


@login_required
def person_detail(request, pk: int):
    user = regulator(request)
    person = selectors.person_get(user, pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "nav": "people",
            "person": person,
            "history": selectors.history_of(person)[:100],
            "can_edit": can_edit(user),
            "status_form": PersonStatusForm(initial={"status": person.status}),
        },
    )
