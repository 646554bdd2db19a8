from django.urls import path

from yaojian.sampling.views import documents, enterprise, regulator

app_name = "sampling"

urlpatterns = [
    path("workbench/sampling/", regulator.overview, name="overview"),
    path("workbench/sampling/plans/", regulator.plan_list, name="plan_list"),
    path("workbench/sampling/plans/<int:plan_id>/", regulator.plan_detail, name="plan_detail"),
    path(
        "workbench/sampling/plans/<int:plan_id>/do/<str:action>/",
        regulator.plan_action,
        name="plan_action",
    ),
    path("workbench/sampling/plans/<int:plan_id>/tasks/new/", regulator.task_new, name="task_new"),
    path("workbench/sampling/tasks/", regulator.task_list, name="task_list"),
    path("workbench/sampling/tasks/export.xlsx", regulator.task_export, name="task_export"),
    path("workbench/sampling/tasks/<int:task_id>/", regulator.task_detail, name="task_detail"),
    path(
        "workbench/sampling/tasks/<int:task_id>/sample/", regulator.sample_form, name="sample_form"
    ),
    path(
        "workbench/sampling/tasks/<int:task_id>/result/", regulator.result_form, name="result_form"
    ),
    path(
        "workbench/sampling/tasks/<int:task_id>/record.pdf",
        documents.record_pdf,
        name="record_pdf",
    ),
    path(
        "workbench/sampling/tasks/<int:task_id>/do/<str:action>/",
        regulator.task_action,
        name="task_action",
    ),
    # the enterprise's side (government-service portal)
    path("sampling/my/", enterprise.my_list, name="my_list"),
    path("sampling/my/<int:task_id>/", enterprise.my_detail, name="my_detail"),
    path("sampling/my/<int:task_id>/retest/", enterprise.my_retest, name="my_retest"),
    path("sampling/my/<int:task_id>/record.pdf", documents.record_pdf, name="my_record_pdf"),
]
