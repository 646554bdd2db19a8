from django.urls import path

from yaojian.trace.views import enterprise, regulator

app_name = "trace"

urlpatterns = [
    path("workbench/trace/", regulator.overview, name="overview"),
    path(
        "workbench/trace/enterprises/<int:enterprise_id>/flows/",
        regulator.flows,
        name="flows",
    ),
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
    # the enterprise's side (government-service portal)
    path("trace/my/", enterprise.home, name="my_home"),
    path("trace/my/product-identifiers/new/", enterprise.rule_new, name="my_rule_new"),
    path("trace/my/sites/new/", enterprise.site_new, name="my_site_new"),
    path("trace/my/batches/new/", enterprise.batch_new, name="my_batch_new"),
    path("trace/my/upload/", enterprise.upload, name="my_upload"),
    path(
        "trace/my/upload/sample-<str:kind>.csv", enterprise.upload_sample, name="my_upload_sample"
    ),
    path("trace/my/jobs/<uuid:job_id>/", enterprise.job_detail, name="my_job"),
]
