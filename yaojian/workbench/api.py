from ninja import Router

from yaojian.core.schemas import with_problems
from yaojian.workbench import schemas, selectors, services

router = Router(tags=["inbox"])


@router.get(
    "/todos", response=with_problems(list[schemas.TodoOut]), summary="The caller's open to-dos"
)
def todo_list(request, status: str = "open"):
    return list(selectors.todo_list(request.auth, status=None if status == "all" else status)[:500])


@router.post(
    "/todos/{int:todo_id}/close",
    response=with_problems(schemas.TodoOut),
    summary="Mark a to-do as done",
)
def todo_close(request, todo_id: int):
    return services.todo_close(actor=request.auth, todo_id=todo_id)


@router.get(
    "/messages",
    response=with_problems(list[schemas.MessageOut]),
    summary="The caller's messages, newest first",
)
def message_list(request, unread: bool = False):
    return list(selectors.message_list(request.auth, unread_only=unread)[:500])
