"""The regulators' work portal: home with counts, to-do inbox, message inbox."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yaojian.core.forms import paginate
from yaojian.core.pages import regulator as _regulator
from yaojian.workbench import selectors, services
from yaojian.workbench.dashboard import regulator_dashboard


@login_required
def home(request):
    user = _regulator(request)
    return render(request, "workbench/home.html", {"nav": "home", **regulator_dashboard(user)})


@login_required
def todos(request):
    user = _regulator(request)
    status = request.GET.get("status", "open")
    todo_list = selectors.todo_list(user, status=None if status == "all" else status)
    return render(
        request,
        "workbench/todos.html",
        {"nav": "todos", "page": paginate(request, todo_list), "status": status},
    )


@login_required
@require_POST
def todo_close(request, todo_id: int):
    services.todo_close(actor=_regulator(request), todo_id=todo_id)
    return redirect(request.POST.get("next") or "workbench:todos")


@login_required
def messages_view(request):
    user = _regulator(request)
    return render(
        request,
        "workbench/messages.html",
        {"nav": "messages", "page": paginate(request, selectors.message_list(user))},
    )


@login_required
@require_POST
def message_read(request, message_id: int):
    message = services.message_mark_read(actor=request.user, message_id=message_id)
    return redirect(message.link or "workbench:messages")


@login_required
@require_POST
def messages_read_all(request):
    services.messages_mark_all_read(actor=request.user)
    return redirect("workbench:messages")
