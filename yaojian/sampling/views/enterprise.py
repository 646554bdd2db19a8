"""The enterprise's sampling pages (government-service portal): its sampled products, the
results, and the request for a re-test within the statutory window."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import EnterpriseRight
from yaojian.core.errors import DomainError, NotFound
from yaojian.sampling import selectors, services
from yaojian.sampling.choices import TaskStatus


def _enterprise_user(request):
    user = request.user
    if not (user.is_authenticated and user.is_enterprise_user):
        raise NotFound(_("Sampling pages are for enterprise accounts."))
    return user


@login_required
def my_list(request):
    user = _enterprise_user(request)
    return render(
        request,
        "sampling/my_list.html",
        {"tasks": list(selectors.tasks_visible(user)[:200]), "today": timezone.localdate()},
    )


@login_required
def my_detail(request, task_id: int):
    user = _enterprise_user(request)
    task = selectors.task_get(user, task_id)
    today = timezone.localdate()
    return render(
        request,
        "sampling/my_detail.html",
        {
            "task": task,
            "sample": getattr(task, "sample", None),
            "results": [
                r
                for r in task.results.prefetch_related("items").select_related("lab")
                # a result is the enterprise's once it has been served on it
                if task.served_on
            ],
            "may_retest": task.status == TaskStatus.SERVED
            and task.retest_deadline is not None
            and today <= task.retest_deadline
            and user.has_enterprise_right(EnterpriseRight.RESPOND),
            "window_closed": task.status == TaskStatus.SERVED
            and task.retest_deadline is not None
            and today > task.retest_deadline,
            "labs": list(selectors.labs_visible(user)),
            "today": today,
        },
    )


@login_required
@require_POST
def my_retest(request, task_id: int):
    user = _enterprise_user(request)
    try:
        services.retest_request(
            actor=user,
            task_id=task_id,
            reason=request.POST.get("reason", ""),
            lab_id=int(request.POST["lab"]) if request.POST.get("lab", "").isdigit() else None,
        )
        messages.success(request, _("Your re-test request is recorded; the laboratory is told."))
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        for field_messages in (error.errors or {"": [str(error.detail)]}).values():
            for message in field_messages:
                messages.error(request, message)
    return redirect("sampling:my_detail", task_id=task_id)
