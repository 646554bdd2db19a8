from django.urls import path

from yaojian.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("todos/", views.todos, name="todos"),
    path("todos/<int:todo_id>/close/", views.todo_close, name="todo_close"),
    path("messages/", views.messages_view, name="messages"),
    path("messages/<int:message_id>/read/", views.message_read, name="message_read"),
    path("messages/read-all/", views.messages_read_all, name="messages_read_all"),
]
