"""Checklist administration: every regulator reads the checklists; system administrators and
leaders change them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.core.errors import DomainError
from yaojian.core.pages import error_message, regulator
from yaojian.inspection import selectors, services
from yaojian.inspection.choices import InspectionKind

EDITORS = (Role.SYSTEM_ADMIN, Role.LEADER)


@login_required
def checklist_list(request):
    user = regulator(request)
    return render(
        request,
        "inspection/checklists.html",
        {
            "nav": "inspection",
            "checklists": list(selectors.checklist_list(user)),
            "kinds": InspectionKind.choices,
            "may_edit": user.has_role(*EDITORS),
        },
    )


@login_required
def checklist_detail(request, checklist_id: int):
    user = regulator(request)
    checklist = selectors.checklist_get(user, checklist_id)
    return render(
        request,
        "inspection/checklist_detail.html",
        {
            "nav": "inspection",
            "checklist": checklist,
            "items": list(checklist.items.all()),
            "kinds": InspectionKind.choices,
            "may_edit": user.has_role(*EDITORS),
        },
    )


@login_required
@require_POST
def checklist_save(request):
    user = regulator(request)
    post = request.POST
    try:
        checklist = services.checklist_save(
            actor=user,
            code=post.get("code", "").strip(),
            kind=post.get("kind", ""),
            name=post.get("name", "").strip(),
            legal_basis=post.get("legal_basis", "").strip(),
            active=post.get("active") == "on",
        )
    except DomainError as error:
        error_message(request, error)
        return redirect("inspection:checklists")
    messages.success(request, _("The checklist is saved."))
    return redirect("inspection:checklist_detail", checklist_id=checklist.pk)


@login_required
@require_POST
def item_save(request, checklist_id: int):
    user = regulator(request)
    post = request.POST
    item_id = post.get("item_id", "")
    try:
        position = int(post.get("position") or 0)
    except ValueError:
        position = -1
    try:
        services.checklist_item_save(
            actor=user,
            checklist_id=checklist_id,
            item_id=int(item_id) if item_id.isdigit() else None,
            code=post.get("code", ""),
            text=post.get("text", ""),
            rule=post.get("rule", ""),
            key_item=post.get("key_item") == "on",
            position=max(position, 0),
            active=post.get("active", "on") == "on",
        )
        messages.success(request, _("The item is saved."))
    except DomainError as error:
        error_message(request, error)
    return redirect("inspection:checklist_detail", checklist_id=checklist_id)
