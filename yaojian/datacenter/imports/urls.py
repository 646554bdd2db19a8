from django.urls import path

from yaojian.datacenter.imports import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("upload/", views.import_upload, name="import_upload"),
    path(
        "templates/<slug:register>.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("<int:pk>/report.xlsx", views.import_report, name="import_report"),
]
