from django.urls import path

from yaojian.trace.views import regulator

app_name = "trace"

urlpatterns = [
    path("workbench/trace/", regulator.overview, name="overview"),
    path("workbench/trace/codes/", regulator.code_path, name="code_path"),
    path("workbench/trace/batches/<int:batch_id>/", regulator.batch_detail, name="batch_detail"),
    path(
        "workbench/trace/batches/<int:batch_id>/recall/",
        regulator.recall_issue,
        name="recall_issue",
    ),
    path("workbench/trace/recalls/<int:recall_id>/", regulator.recall_detail, name="recall_detail"),
    path(
        "workbench/trace/recalls/<int:recall_id>/complete/",
        regulator.recall_complete,
        name="recall_complete",
    ),
]
